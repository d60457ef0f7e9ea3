/**
 * Python `fnmatch` semantics, as huggingface_hub's `allow_patterns`/`ignore_patterns`: `*` matches anything
 * (slashes included), `?` one character, `[abc]`/`[!abc]` a class; a pattern ending in `/` matches the whole folder.
 */
export function fnmatch(path: string, pattern: string): boolean {
  const source = pattern.endsWith('/') ? `${pattern}*` : pattern;
  let regex = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '*') regex += '.*';
    else if (c === '?') regex += '.';
    else if (c === '[') {
      const close = source.indexOf(']', i + 2);
      if (close === -1) regex += '\\[';
      else {
        let body = source.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        regex += `[${body}]`;
        i = close;
      }
    } else regex += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${regex}$`, 's').test(path);
}

/** Whether `path` passes `allow` (any match, or no allow list) and no `ignore` pattern. */
export function selectPath(path: string, allow: readonly string[] | undefined, ignore: readonly string[] | undefined): boolean {
  if (allow && allow.length > 0 && !allow.some((pattern) => fnmatch(path, pattern))) return false;
  return !(ignore ?? []).some((pattern) => fnmatch(path, pattern));
}

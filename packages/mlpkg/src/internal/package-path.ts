/** The longest path a manifest may name, in characters. */
export const MAX_PATH_LENGTH = 1024;

/**
 * Checks a path named in a manifest against the format's path rules: relative, `/`-separated, no empty, `.` or
 * `..` segment, no backslash, no colon (drive letters, NTFS streams), no control character.
 *
 * @returns why the path is refused, or `undefined` when it is allowed.
 */
export function pathProblem(path: string): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return 'path is empty';
  if (path.length > MAX_PATH_LENGTH) return `path is longer than ${MAX_PATH_LENGTH} characters`;
  if (path.startsWith('/')) return 'path is absolute';
  if (path.includes('\\')) return 'path contains a backslash';
  if (path.includes(':')) return 'path contains a colon (drive letter or stream)';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'path contains a control character';
  for (const segment of path.split('/')) {
    if (segment === '') return 'path has an empty segment';
    if (segment === '..') return 'path contains ".." (leaves the package)';
    if (segment === '.') return 'path contains a "." segment';
  }
  return undefined;
}

/** Whether `child` equals `parent` or lies under it (both package-relative, already checked). */
export function isUnder(child: string, parent: string): boolean {
  return child === parent || child.startsWith(`${parent}/`);
}

import { InferoxError, type ErrorCode } from '@inferox/core';

/**
 * Checks that `path` is a relative `/`-separated path that stays inside the folder it is joined to: not empty, not
 * absolute, no `..`/`.`/empty segment, no backslash, no drive letter, no NUL.
 *
 * @param what - how the message names the value (`file path`, `revision`, ...).
 * @param code - `INVALID_INPUT` for a caller's value, `HUB_ERROR` for a value the hub sent.
 * @returns the path's segments.
 * @throws InferoxError with `code`, naming the path.
 */
export function safeSegments(path: string, what: string, code: ErrorCode): string[] {
  const segments = path.split('/');
  const bad =
    path.length === 0 ||
    path.includes('\\') ||
    path.includes('\0') ||
    /^[A-Za-z]:/.test(path) ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad) {
    throw new InferoxError(code, `${what} ${JSON.stringify(path)} would escape the cache folder (absolute, '..', empty segment or backslash): refused`, {
      details: { path },
    });
  }
  return segments;
}

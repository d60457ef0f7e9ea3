import { InferoxError } from '@inferox/core';

/** The codes a file-system failure of `pack` maps to. */
type FsErrorCode = 'PACKAGE_INVALID' | 'INVALID_INPUT';

/**
 * Runs one file-system step of `pack`, turning a system error into `code` with a message naming `subject` (the
 * folder the user named), the path that failed and the system error code, and the original as `cause`.
 * InferoxErrors pass through. `PACKAGE_INVALID` is for reading the source, `INVALID_INPUT` for writing outDir:
 * neither is a bug, so neither is `INTERNAL`.
 */
export async function fsStep<T>(
  code: FsErrorCode,
  what: string,
  path: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw fsError(error, code, what, path);
  }
}

/** The error {@link fsStep} throws for `error`; see there. */
export function fsError(error: unknown, code: FsErrorCode, what: string, path: string): InferoxError {
  if (error instanceof InferoxError) return error;
  const system = error as Partial<NodeJS.ErrnoException>;
  const errno = typeof system.code === 'string' ? system.code : 'unknown error';
  const at = typeof system.path === 'string' && system.path !== path ? ` (at ${system.path})` : '';
  return new InferoxError(code, `${what} ${path} failed with ${errno}${at}`, {
    cause: error,
    details: { path, ...(typeof system.code === 'string' ? { errno: system.code } : {}), ...(system.syscall ? { syscall: system.syscall } : {}) },
  });
}

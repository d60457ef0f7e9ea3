import { readFile } from 'node:fs/promises';
import { ErrorCode, InferoxError, abortError } from '@inferox/core';

/**
 * Reads a file of a model source.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the file when it cannot be read (missing, a folder, no permission);
 * `CANCELLED` when `signal` fires.
 */
export async function readSourceFile(path: string, signal?: AbortSignal): Promise<Uint8Array> {
  try {
    const buffer = await readFile(path, signal ? { signal } : {});
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    if (signal?.aborted) throw abortError(signal, `reading ${path}`);
    const code = (error as NodeJS.ErrnoException).code;
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, {
      cause: error,
      details: { file: path },
    });
  }
}

/**
 * Reads and parses a JSON file of a model source.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the file when it cannot be read or is not a JSON object.
 */
export async function readSourceJson(path: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const bytes = await readSourceFile(path, signal);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${path} is not valid JSON: ${(error as Error).message}`, { cause: error, details: { file: path } });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${path} must hold a JSON object`, { details: { file: path } });
  }
  return value as Record<string, unknown>;
}

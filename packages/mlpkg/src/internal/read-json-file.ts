import { open } from 'node:fs/promises';
import { ErrorCode, InferoxError } from '@inferox/core';

/** The largest JSON file (manifest, config, index) this library reads: 16 MiB. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

/**
 * Reads and parses a JSON file, refusing files over `limit` bytes before reading them.
 *
 * @param file - the absolute path.
 * @param label - the name used in messages (a package-relative path).
 * @throws InferoxError `PACKAGE_INVALID` naming `label` (missing, too large, not UTF-8 JSON).
 */
export async function readJsonFile(file: string, label: string, limit = MAX_JSON_BYTES, signal?: AbortSignal): Promise<unknown> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${label} is not a regular file`, { details: { path: label } });
      if (stat.size > limit) {
        throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${label} is ${stat.size} bytes, over the ${limit}-byte JSON limit`, {
          details: { path: label, size: stat.size, limit },
        });
      }
      const bytes = await handle.readFile({ signal });
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof InferoxError) throw error;
    if (signal?.aborted) throw error;
    const code = (error as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'is missing' : code === 'EISDIR' ? 'is not a regular file' : 'cannot be read as UTF-8';
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${label} ${why}`, { cause: error, details: { path: label } });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${label} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
      details: { path: label },
    });
  }
}

import { ErrorCode, InferoxError, abortError } from '@inferox/core';
import { MAX_CONFIG_BYTES } from './constants';
import { openRegularFile, unreadable } from './internal/open-regular-file';

/** Options of {@link readCheckpointFile} and {@link readCheckpointJson}. */
export interface ReadCheckpointFileOptions {
  /** Refuse a larger file before reading it. @defaultValue no limit for files, {@link MAX_CONFIG_BYTES} for JSON */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
}

/**
 * Reads a file of a checkpoint whole. Only regular files are read (a FIFO, device or socket is refused at once
 * instead of blocking the read forever); links are followed.
 *
 * @returns the bytes, owned by the caller.
 * @throws InferoxError `PACKAGE_INVALID` naming the file (`<path>: cannot read: no such file`, `a FIFO, not a
 * regular file`, over `maxBytes`, ...); `CANCELLED` when `signal` aborts.
 * @example
 * ```ts
 * const bytes = await readCheckpointFile('ckpt/model.safetensors', { signal });
 * ```
 */
export async function readCheckpointFile(path: string, options: ReadCheckpointFileOptions = {}): Promise<Uint8Array> {
  const { signal } = options;
  const { handle } = await openRegularFile(path, options.maxBytes ?? Number.MAX_SAFE_INTEGER, signal);
  try {
    const buffer = await handle.readFile(signal ? { signal } : {});
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    if (signal?.aborted) throw abortError(signal, `reading ${path}`);
    throw unreadable(path, (error as Error)?.message ?? String(error), error);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a JSON file of a checkpoint that must hold an object (`config.json`, an index, a module config).
 *
 * @returns the parsed object.
 * @throws InferoxError `PACKAGE_INVALID` naming the file: unreadable (see {@link readCheckpointFile}), over
 * `maxBytes` (default {@link MAX_CONFIG_BYTES}), not UTF-8 JSON, not an object; `CANCELLED`.
 */
export async function readCheckpointJson(path: string, options: ReadCheckpointFileOptions = {}): Promise<Record<string, unknown>> {
  const bytes = await readCheckpointFile(path, { ...options, maxBytes: options.maxBytes ?? MAX_CONFIG_BYTES });
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${path}: not valid JSON: ${(error as Error).message}`, { cause: error, details: { file: path } });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${path}: must hold a JSON object`, { details: { file: path } });
  }
  return value as Record<string, unknown>;
}

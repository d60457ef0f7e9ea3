import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { ErrorCode, InferoxError, abortError, throwIfAborted } from '@inferox/core';
import { entryKind, fsReason } from './fs-error';

/** Opens without blocking on a FIFO (a FIFO's `open` waits for a writer forever); regular files are unaffected. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** The error for a checkpoint file that cannot be read. */
export function unreadable(path: string, reason: string, cause?: unknown, details: Record<string, unknown> = {}): InferoxError {
  return new InferoxError(ErrorCode.PACKAGE_INVALID, `${path}: cannot read: ${reason}`, {
    details: { file: path, ...details },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Opens a file for reading and checks, on the opened handle, that it is a regular file no larger than `maxBytes`.
 * The caller closes the handle.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the file (missing, a FIFO/device/folder, too large, unreadable);
 * `CANCELLED` when `signal` is aborted.
 */
export async function openRegularFile(path: string, maxBytes: number, signal?: AbortSignal): Promise<{ handle: FileHandle; size: number }> {
  throwIfAborted(signal, `reading ${path}`);
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    throw unreadable(path, fsReason(error), error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw unreadable(path, `${entryKind(info)}, not a regular file`);
    if (info.size > maxBytes) throw unreadable(path, `${info.size} bytes, over the ${maxBytes}-byte limit`, undefined, { size: info.size, limit: maxBytes });
    if (signal?.aborted) throw abortError(signal, `reading ${path}`);
    return { handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

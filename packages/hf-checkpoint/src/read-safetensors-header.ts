import { type SafetensorsHeader, abortError, parseSafetensorsHeader, safetensorsHeaderSize } from '@inferox/core';
import { openRegularFile, unreadable } from './internal/open-regular-file';

/**
 * Reads only the header of a safetensors file (8 + header bytes, at most `MAX_HEADER_LENGTH`) and checks it
 * with core's parser against the file's size: dtypes in core's table, shapes, offsets inside the file, no overlap.
 *
 * @returns the header: metadata, tensor infos with their data offsets, where the data starts.
 * @throws InferoxError `PACKAGE_INVALID` naming the file (not a regular file, bad header); `CANCELLED`.
 * @example
 * ```ts
 * const { tensors } = await readSafetensorsHeader('ckpt/model.safetensors');
 * ```
 */
export async function readSafetensorsHeader(file: string, options: { readonly signal?: AbortSignal } = {}): Promise<SafetensorsHeader> {
  const { signal } = options;
  const { handle, size } = await openRegularFile(file, Number.MAX_SAFE_INTEGER, signal);
  try {
    const readAt = async (length: number): Promise<Uint8Array> => {
      const buffer = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, done);
        if (bytesRead === 0) throw unreadable(file, `the file ended after ${done} of ${length} header bytes`);
        done += bytesRead;
      }
      if (signal?.aborted) throw abortError(signal, `reading ${file}`);
      return buffer;
    };
    const prefix = await readAt(Math.min(8, size));
    const headerSize = safetensorsHeaderSize(prefix, size, file);
    return parseSafetensorsHeader(await readAt(headerSize), size, file);
  } finally {
    await handle.close();
  }
}

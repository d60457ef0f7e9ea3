import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hashes a file by streaming it. @returns the lower-case hex sha256 and the number of bytes read. */
export async function sha256File(file: string, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const stream = createReadStream(file, signal ? { signal } : {});
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

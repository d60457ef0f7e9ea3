import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { gitBlobSha1 } from './git-blob-sha1';

/** How an etag can be checked: LFS files are named by sha256, other files by git's blob sha1. */
export type EtagKind = 'sha256' | 'git-sha1' | 'size-only';

/** The kind of hash an etag is. */
export function etagKind(etag: string): EtagKind {
  if (/^[0-9a-f]{64}$/.test(etag)) return 'sha256';
  if (/^[0-9a-f]{40}$/.test(etag)) return 'git-sha1';
  return 'size-only';
}

/**
 * Hashes a file the way its etag was computed, streaming it from disk.
 *
 * @returns the hex digest, or `undefined` for etags that are not a known hash.
 */
export async function hashFile(path: string, kind: EtagKind, signal?: AbortSignal): Promise<string | undefined> {
  if (kind === 'size-only') return undefined;
  const hash: Hash = kind === 'sha256' ? createHash('sha256') : gitBlobSha1((await stat(path)).size);
  for await (const chunk of createReadStream(path, { signal, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

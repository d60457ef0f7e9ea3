import { createHash, type Hash } from 'node:crypto';

/**
 * A sha1 hasher primed with git's blob header for `size` bytes: feeding it the content yields the git object id
 * (`git hash-object`), which the hub serves as the `ETag` of files not stored with LFS.
 */
export function gitBlobSha1(size: number): Hash {
  return createHash('sha1').update(`blob ${size}\0`);
}

import { createHash } from 'node:crypto';
import { gitBlobSha1 } from '../../internal/git-blob-sha1';
import type { GeneratedFile, TestHubFileContent, TestHubRepo } from '../test-hub-types';

// The repos and files a test hub serves: prepared once (hashes computed), bytes produced on demand.

export const CHUNK = 64 * 1024;
export const TYPE_PLURAL = { model: 'models', dataset: 'datasets', space: 'spaces' } as const;
export type RepoType = keyof typeof TYPE_PLURAL;

export interface PreparedFile {
  readonly path: string;
  readonly size: number;
  readonly oid: string;
  readonly sha256: string;
  readonly lfs: boolean;
  /** Yields the bytes in [start, end). */
  read(start: number, end: number): Generator<Uint8Array>;
}

export interface PreparedRepo {
  readonly id: string;
  readonly type: RepoType;
  readonly branches: Readonly<Record<string, string>>;
  readonly files: ReadonlyMap<string, PreparedFile>;
  readonly token: string | undefined;
}

export function generatedByte(index: number, seed: number): number {
  return (index * 31 + (index >>> 11) + seed * 7) & 0xff;
}

export function* generate(file: GeneratedFile, start: number, end: number): Generator<Uint8Array> {
  const seed = file.seed ?? 0;
  for (let offset = start; offset < end; offset += CHUNK) {
    const chunk = new Uint8Array(Math.min(CHUNK, end - offset));
    for (let i = 0; i < chunk.length; i++) chunk[i] = generatedByte(offset + i, seed);
    yield chunk;
  }
}

export function* concat(...parts: Iterable<Uint8Array>[]): Generator<Uint8Array> {
  for (const part of parts) yield* part;
}

export function* slices(bytes: Uint8Array, start: number, end: number): Generator<Uint8Array> {
  for (let offset = start; offset < end; offset += CHUNK) yield bytes.subarray(offset, Math.min(end, offset + CHUNK));
}

export function prepareFile(path: string, content: TestHubFileContent, lfsMinBytes: number): PreparedFile {
  const read: (start: number, end: number) => Generator<Uint8Array> =
    typeof content === 'string' || content instanceof Uint8Array
      ? ((bytes: Uint8Array) => (start: number, end: number) => slices(bytes, start, end))(
          typeof content === 'string' ? new TextEncoder().encode(content) : content,
        )
      : (start, end) => generate(content, start, end);
  const size = typeof content === 'string' ? new TextEncoder().encode(content).length : content instanceof Uint8Array ? content.length : content.size;
  const sha1 = gitBlobSha1(size);
  const sha256 = createHash('sha256');
  for (const chunk of read(0, size)) {
    sha1.update(chunk);
    sha256.update(chunk);
  }
  return { path, size, oid: sha1.digest('hex'), sha256: sha256.digest('hex'), lfs: size >= lfsMinBytes, read };
}

export function prepareRepo(repo: TestHubRepo): PreparedRepo {
  const type = repo.type ?? 'model';
  const files = new Map<string, PreparedFile>();
  for (const [path, content] of Object.entries(repo.files)) files.set(path, prepareFile(path, content, repo.lfsMinBytes ?? 1024));
  const fingerprint = createHash('sha1').update(`${type}:${repo.id}`);
  for (const file of [...files.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) fingerprint.update(`\n${file.path}:${file.oid}`);
  return { id: repo.id, type, branches: repo.branches ?? { main: fingerprint.digest('hex') }, files, token: repo.token };
}


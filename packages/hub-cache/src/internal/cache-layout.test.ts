import { lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as FsPromises from 'node:fs/promises';

// A file system without symlinks (FAT, some Windows setups): every symlink call fails.
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof FsPromises>();
  return { ...original, symlink: vi.fn(async () => Promise.reject(Object.assign(new Error('operation not permitted'), { code: 'EPERM' }))) };
});
// Test files share a worker's modules (vitest `isolate: false`): drop the cache-layout a file before may have loaded
// with the real fs, so this one is built on the mock, and drop the mocked one afterwards for the files after.
vi.resetModules();
const { linkSnapshotFile } = await import('./cache-layout');
afterAll(() => {
  vi.doUnmock('node:fs/promises');
  vi.resetModules();
});

describe('linkSnapshotFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-layout-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copies the blob into the snapshot when the file system refuses symlinks', async () => {
    const blob = join(dir, 'blobs', 'abc');
    await mkdir(join(dir, 'blobs'));
    await writeFile(blob, 'content');
    const pointer = join(dir, 'snapshots', 'c', 'nested', 'file.txt');
    await linkSnapshotFile(blob, pointer);
    await linkSnapshotFile(blob, pointer);
    expect((await lstat(pointer)).isSymbolicLink()).toBe(false);
    expect(await readFile(pointer, 'utf8')).toBe('content');
  });
});

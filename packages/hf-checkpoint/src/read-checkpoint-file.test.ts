import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expectInferoxError } from '@inferox/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortOnCheck, makeFifo, openDescriptors, tempDir } from './internal/test-files.fixture';
import { readCheckpointFile, readCheckpointJson } from './read-checkpoint-file';

describe('readCheckpointFile', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    temp = await tempDir();
  });
  afterAll(() => temp.remove());

  it('returns the bytes of a regular file, following a link to it', async () => {
    await writeFile(join(temp.dir, 'a.bin'), Uint8Array.of(1, 2, 3));
    await symlink(join(temp.dir, 'a.bin'), join(temp.dir, 'link.bin'));
    expect(Array.from(await readCheckpointFile(join(temp.dir, 'a.bin')))).toEqual([1, 2, 3]);
    expect(Array.from(await readCheckpointFile(join(temp.dir, 'link.bin')))).toEqual([1, 2, 3]);
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(temp.dir, 'pipe');
    makeFifo(fifo);
    await expectInferoxError(readCheckpointFile(fifo), 'PACKAGE_INVALID', `${fifo}: cannot read: a FIFO, not a regular file`);
    await expectInferoxError(readCheckpointJson(fifo), 'PACKAGE_INVALID', 'a FIFO, not a regular file');
  });

  it('names the file when it is missing, a folder, a link loop, a device or too large', async () => {
    await expectInferoxError(readCheckpointFile(join(temp.dir, 'nope')), 'PACKAGE_INVALID', 'nope: cannot read: no such file');
    await mkdir(join(temp.dir, 'folder'));
    await expectInferoxError(readCheckpointFile(join(temp.dir, 'folder')), 'PACKAGE_INVALID', 'a folder, not a regular file');
    await symlink(join(temp.dir, 'loop-b'), join(temp.dir, 'loop-a'));
    await symlink(join(temp.dir, 'loop-a'), join(temp.dir, 'loop-b'));
    await expectInferoxError(readCheckpointFile(join(temp.dir, 'loop-a')), 'PACKAGE_INVALID', 'loop-a: cannot read: a symbolic link loop');
    await expectInferoxError(readCheckpointFile('/dev/zero'), 'PACKAGE_INVALID', '/dev/zero: cannot read: a character device, not a regular file');
    await writeFile(join(temp.dir, 'big.bin'), new Uint8Array(100));
    const error = await expectInferoxError(readCheckpointFile(join(temp.dir, 'big.bin'), { maxBytes: 99 }), 'PACKAGE_INVALID', '100 bytes, over the 99-byte limit');
    expect(error.details).toMatchObject({ size: 100, limit: 99 });
  });

  it('names a socket and a name too long for the file system instead of reading them', async () => {
    const socket = join(temp.dir, 'sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      await expectInferoxError(readCheckpointFile(socket), 'PACKAGE_INVALID', `${socket}: cannot read:`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await expectInferoxError(readCheckpointFile(join(temp.dir, 'x'.repeat(300))), 'PACKAGE_INVALID', 'cannot read: the path is too long');
  });

  it('rejects with CANCELLED carrying the reason when the signal is aborted', async () => {
    await writeFile(join(temp.dir, 'c.bin'), 'x');
    const error = await expectInferoxError(readCheckpointFile(join(temp.dir, 'c.bin'), { signal: AbortSignal.abort(new Error('stop')) }), 'CANCELLED');
    expect((error.cause as Error).message).toBe('stop');
  });

  it('rejects with CANCELLED naming the file when the signal aborts after the open, before or during the read', async () => {
    const file = join(temp.dir, 'd.bin');
    await writeFile(file, 'x');
    // Looks at the signal: 1 before opening, 2 once the handle is checked, 3 in readFile itself.
    for (const check of [2, 3]) {
      const error = await expectInferoxError(readCheckpointFile(file, { signal: abortOnCheck(check) }), 'CANCELLED');
      expect(error.message).toBe(`reading ${file} was cancelled by its signal`);
      expect((error.cause as Error).message).toBe('stop');
    }
  });

  it.skipIf(process.platform !== 'linux')('names the file and the system error when the read itself fails (Linux: /proc/self/mem at 0 is EIO)', async () => {
    const error = await expectInferoxError(readCheckpointFile('/proc/self/mem'), 'PACKAGE_INVALID');
    const cause = error.cause as NodeJS.ErrnoException;
    expect(cause.code).toBe('EIO');
    expect(error.message).toBe(`/proc/self/mem: cannot read: ${cause.message}`);
    expect(error.details).toEqual({ file: '/proc/self/mem' });
  });

  it.skipIf(process.platform !== 'linux')('closes the file after reading it and after a failed read (Linux: /proc/self/fd)', async () => {
    const file = join(temp.dir, 'e.bin');
    await writeFile(file, 'x');
    await readCheckpointFile(file);
    expect(openDescriptors(file)).toBe(0);
    await expectInferoxError(readCheckpointFile(file, { signal: abortOnCheck(3) }), 'CANCELLED');
    expect(openDescriptors(file)).toBe(0);
  });
});

describe('readCheckpointJson', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    temp = await tempDir();
  });
  afterAll(() => temp.remove());

  it('parses an object and refuses bad JSON, non-objects, bad UTF-8 and files over the limit', async () => {
    const file = join(temp.dir, 'x.json');
    await writeFile(file, '{"a":1}');
    expect(await readCheckpointJson(file)).toEqual({ a: 1 });
    await writeFile(file, '{ a: 1');
    await expectInferoxError(readCheckpointJson(file), 'PACKAGE_INVALID', `${file}: not valid JSON`);
    for (const text of ['[]', 'null', '3']) {
      await writeFile(file, text);
      await expectInferoxError(readCheckpointJson(file), 'PACKAGE_INVALID', `${file}: must hold a JSON object`);
    }
    await writeFile(file, Uint8Array.of(0x7b, 0xff, 0x7d));
    await expectInferoxError(readCheckpointJson(file), 'PACKAGE_INVALID', 'not valid JSON');
    await writeFile(file, '{"a":1}');
    await expectInferoxError(readCheckpointJson(file, { maxBytes: 3 }), 'PACKAGE_INVALID', 'over the 3-byte limit');
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSafetensors } from '@inferox/core';
import { expectInferoxError } from '@inferox/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_BERT, abortOnCheck, makeFifo, openDescriptors, tempDir } from './internal/test-files.fixture';
import { readSafetensorsHeader } from './read-safetensors-header';

describe('readSafetensorsHeader', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    temp = await tempDir();
  });
  afterAll(() => temp.remove());

  it('reads the same tensor table as parsing the whole file when given the fixture', async () => {
    const file = join(TINY_BERT, 'model.safetensors');
    const header = await readSafetensorsHeader(file);
    const whole = parseSafetensors(await readFile(file));
    expect(header.headerBytes).toBe(whole.headerBytes);
    expect([...header.tensors.keys()]).toEqual([...whole.tensors.keys()]);
    expect(header.tensors.get('pooler.dense.weight')).toMatchObject({ dtype: 'float32', fileDtype: 'F32', shape: [64, 64] });
  });

  it('refuses a truncated file, a FIFO and a short file, naming the file', async () => {
    const bytes = await readFile(join(TINY_BERT, 'model.safetensors'));
    const cut = join(temp.dir, 'cut.safetensors');
    await writeFile(cut, bytes.subarray(0, bytes.length - 100));
    await expectInferoxError(readSafetensorsHeader(cut), 'PACKAGE_INVALID', `${cut}: invalid safetensors`, 'lie outside');
    const fifo = join(temp.dir, 'fifo.safetensors');
    makeFifo(fifo);
    await expectInferoxError(readSafetensorsHeader(fifo), 'PACKAGE_INVALID', 'a FIFO, not a regular file');
    const short = join(temp.dir, 'short.safetensors');
    await writeFile(short, Uint8Array.of(1, 2, 3));
    await expectInferoxError(readSafetensorsHeader(short), 'PACKAGE_INVALID', 'file is 3 bytes, shorter than the 8-byte header length');
    await writeFile(short, Uint8Array.of(0xff, 0xff, 0, 0, 0, 0, 0, 0, 1));
    await expectInferoxError(readSafetensorsHeader(short), 'PACKAGE_INVALID', 'runs past the end of the 9-byte file');
  });

  it('rejects with CANCELLED when the signal is aborted', async () => {
    await expectInferoxError(readSafetensorsHeader(join(TINY_BERT, 'model.safetensors'), { signal: AbortSignal.abort() }), 'CANCELLED');
  });

  it('rejects with CANCELLED naming the file when the signal aborts while a header part is read', async () => {
    const file = join(TINY_BERT, 'model.safetensors');
    // Looks at the signal: 1 before opening, 2 once the handle is checked, 3 after the length prefix, 4 after the header.
    for (const check of [3, 4]) {
      const error = await expectInferoxError(readSafetensorsHeader(file, { signal: abortOnCheck(check) }), 'CANCELLED');
      expect(error.message).toBe(`reading ${file} was cancelled by its signal`);
    }
  });

  it.skipIf(process.platform !== 'linux')('closes the file after reading a header and after refusing one (Linux: /proc/self/fd)', async () => {
    const file = join(TINY_BERT, 'model.safetensors');
    await readSafetensorsHeader(file);
    expect(openDescriptors(file)).toBe(0);
    const short = join(temp.dir, 'closed.safetensors');
    await writeFile(short, Uint8Array.of(1, 2, 3));
    await expectInferoxError(readSafetensorsHeader(short), 'PACKAGE_INVALID');
    expect(openDescriptors(short)).toBe(0);
  });

  it('throws only PACKAGE_INVALID for random bytes on disk', async () => {
    const file = join(temp.dir, 'random.safetensors');
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.jsonValue().map((header) => withHeader(JSON.stringify(header)))), async (bytes) => {
        await writeFile(file, bytes);
        try {
          await readSafetensorsHeader(file);
        } catch (error) {
          expect((error as { code?: unknown }).code).toBe('PACKAGE_INVALID');
        }
      }),
      { numRuns: 60 },
    );
  });
});

function withHeader(text: string): Uint8Array {
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WEIGHTS_OVERHEAD, estimateSourceBytes } from './estimate-memory';

describe('estimateSourceBytes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inferox-estimate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (path: string, bytes: number): Promise<string> => {
    const full = join(dir, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, new Uint8Array(bytes));
    return full;
  };

  it('charges in-memory bytes and a single file their length × 1.2, rounded up', async () => {
    expect(WEIGHTS_OVERHEAD).toBe(1.2);
    expect(await estimateSourceBytes({ bytes: new Uint8Array(11) })).toBe(14);
    expect(await estimateSourceBytes(await file('model.onnx', 101))).toBe(122);
    expect(await estimateSourceBytes({ path: await file('other.txt', 10) })).toBe(12);
  });

  it('charges nothing for a missing path', async () => {
    expect(await estimateSourceBytes(join(dir, 'missing.onnx'))).toBe(0);
  });

  it("takes a folder's largest kind of weights (ONNX with external data together), not their sum, and ignores other files", async () => {
    await file('model.safetensors', 300);
    await file('model.onnx', 100);
    await file('model.onnx_data', 150);
    await file('weights.data', 100);
    await file('README.md', 5000);
    expect(await estimateSourceBytes(dir)).toBe(Math.ceil(350 * 1.2));
    await file('MODEL.BIN', 400);
    expect(await estimateSourceBytes({ path: dir })).toBe(480);
    await file('shard.pb', 500);
    expect(await estimateSourceBytes(dir)).toBe(600);
  });

  it('counts other files when a folder has no weights, looking into sub-folders one level down and no further', async () => {
    await file('top.json', 5);
    await file('a/config.json', 10);
    await file('a/b/deeper.json', 1000);
    await file('a/b/model.safetensors', 1000);
    expect(await estimateSourceBytes(dir)).toBe(18);
    await file('a/model.safetensors', 50);
    expect(await estimateSourceBytes(dir)).toBe(60);
  });
});

import { join } from 'node:path';
import { expectInferoxError } from '@inferox/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_BERT, abortChecks, abortOnCheck, f32, safetensors, tempDir, writeFolder } from './internal/test-files.fixture';
import { readSafetensorsHeader } from './read-safetensors-header';
import { readWeightInventory } from './read-weight-inventory';

describe('readWeightInventory', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    temp = await tempDir();
  });
  afterAll(() => temp.remove());

  it('sums the fixture headers without reading tensor data', async () => {
    const inventory = (await readWeightInventory(TINY_BERT))!;
    expect(inventory.files).toEqual(['model.safetensors']);
    expect(inventory.dtype).toBe('F32');
    expect(inventory.dataBytes).toBe(inventory.parameters * 4);
    expect(inventory.tensors.get('pooler.dense.weight')!.info.shape).toEqual([64, 64]);
  });

  it('lists shards and index for a sharded checkpoint and picks the dtype holding most bytes', async () => {
    const half = (n: number) => ({ dtype: 'float16' as const, shape: [n], bytes: new Uint8Array(n * 2) });
    const dir = await writeFolder(join(temp.dir, 'sharded'), {
      'b.safetensors': safetensors({ b: half(8) }),
      'a.safetensors': safetensors({ a: f32([1, 2]) }),
      'model.safetensors.index.json': { weight_map: { b: 'b.safetensors', a: 'a.safetensors' } },
    });
    expect(await readWeightInventory(dir)).toMatchObject({ files: ['a.safetensors', 'b.safetensors', 'model.safetensors.index.json'], parameters: 10, dataBytes: 24, dtype: 'F16' });
  });

  it('picks the dtype holding most bytes summed over its tensors, not the first seen or the largest tensor', async () => {
    const half = (n: number) => ({ dtype: 'float16' as const, shape: [n], bytes: new Uint8Array(n * 2) });
    // F32: one tensor of 8 bytes, seen first; F16: two tensors of 6 bytes, 12 in all.
    const dir = await writeFolder(join(temp.dir, 'mixed'), { 'model.safetensors': safetensors({ a: f32([1, 2]), b: half(3), c: half(3) }) });
    expect(await readWeightInventory(dir)).toMatchObject({ parameters: 8, dataBytes: 20, dtype: 'F16' });
  });

  it('has no dtype for a checkpoint without tensors', async () => {
    const dir = await writeFolder(join(temp.dir, 'empty-weights'), { 'model.safetensors': safetensors({}) });
    expect(await readWeightInventory(dir)).toMatchObject({ files: ['model.safetensors'], parameters: 0, dataBytes: 0, dtype: null });
  });

  it('returns undefined without weights and names a bad shard', async () => {
    expect(await readWeightInventory(await writeFolder(join(temp.dir, 'none'), { 'config.json': {} }))).toBeUndefined();
    const dir = await writeFolder(join(temp.dir, 'bad'), {
      'a.safetensors': 'short',
      'b.safetensors': safetensors({ x: f32([1]) }),
      'model.safetensors.index.json': { weight_map: { a: 'a.safetensors' } },
    });
    await expectInferoxError(readWeightInventory(dir), 'PACKAGE_INVALID', 'shard "a.safetensors"', 'invalid safetensors');
    const missing = await writeFolder(join(temp.dir, 'missing'), { 'b.safetensors': safetensors({ x: f32([1]) }), 'model.safetensors.index.json': { weight_map: { y: 'b.safetensors' } } });
    await expectInferoxError(readWeightInventory(missing), 'PACKAGE_INVALID', 'tensor "y" listed in model.safetensors.index.json is not in the shard');
  });

  it('rejects with CANCELLED naming the index when the signal is aborted, and the folder when it aborts before a shard', async () => {
    const dir = await writeFolder(join(temp.dir, 'cancel'), {
      'one.safetensors': safetensors({ w: f32([1]) }),
      'model.safetensors.index.json': { weight_map: { w: 'one.safetensors' } },
    });
    const index = join(dir, 'model.safetensors.index.json');
    const early = await expectInferoxError(readWeightInventory(dir, { signal: AbortSignal.abort(new Error('stop')) }), 'CANCELLED');
    expect(early.message).toBe(`reading ${index} was cancelled by its signal`);
    // The look before the shard's own looks is the check between the index and the shard.
    const looks = await abortChecks((signal) => readWeightInventory(dir, { signal }));
    const shardLooks = await abortChecks((signal) => readSafetensorsHeader(join(dir, 'one.safetensors'), { signal }));
    const between = await expectInferoxError(readWeightInventory(dir, { signal: abortOnCheck(looks - shardLooks) }), 'CANCELLED');
    expect(between.message).toBe(`reading ${dir} was cancelled by its signal`);
  });
});

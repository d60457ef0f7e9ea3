import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeSafetensors } from '@inferox/core';
import { expectInferoxError } from '@inferox/core/testing';
import { encodeWeights, tempDir, writeMlpCheckpoint } from '../test-fixtures.fixture';
import { readCheckpoint } from './read-checkpoint';

const f32 = (...values: number[]): { dtype: 'float32'; shape: number[]; bytes: Uint8Array } => ({
  dtype: 'float32',
  shape: [values.length],
  bytes: encodeWeights(Float32Array.from(values), 'F32'),
});

describe('readCheckpoint', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  const folder = async (name: string, files: Record<string, string | Uint8Array>): Promise<string> => {
    const dir = join(temp.dir, name);
    await mkdir(dir, { recursive: true });
    for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
    return dir;
  };
  const config = JSON.stringify({ model_type: 'inferox-mlp' });

  beforeAll(async () => {
    temp = await tempDir();
  });
  afterAll(() => temp.remove());

  it('decodes F16 and BF16 tensors to float32 when the checkpoint stores them', async () => {
    const values = Float32Array.from([1.5, -2, 0.25, 0, -0.125, 3]);
    const dir = await folder('halves', {
      'config.json': config,
      'model.safetensors': serializeSafetensors({
        half: { dtype: 'float16', shape: [2, 3], bytes: encodeWeights(values, 'F16') },
        brain: { dtype: 'bfloat16', shape: [6], bytes: encodeWeights(values, 'BF16') },
      }),
    });
    const { weights, files, config: parsed } = await readCheckpoint(dir);
    expect(parsed).toEqual({ model_type: 'inferox-mlp' });
    expect(files).toEqual(['model.safetensors']);
    expect(weights.float32('half', [2, 3])).toEqual(values);
    expect(weights.float32('brain', [6])).toEqual(values);
    expect(weights.float32Bytes).toBe(48);
  });

  it('rejects with PACKAGE_INVALID naming the tensor when its dtype is not a float the backend loads', async () => {
    const dir = await folder('ints', {
      'config.json': config,
      'model.safetensors': serializeSafetensors({ counts: { dtype: 'int32', shape: [1], bytes: new Uint8Array(4) } }),
    });
    const { weights } = await readCheckpoint(dir);
    expect(() => weights.float32('counts', [1])).toThrow(/tensor "counts" is I32; the tfjs backend loads F32, F16 and BF16 weights/);
  });

  it('reads the shards an index lists and checks the index against them', async () => {
    const shard = (tensors: Record<string, ReturnType<typeof f32>>): Uint8Array => serializeSafetensors(tensors);
    const dir = await folder('sharded', {
      'config.json': config,
      'a.safetensors': shard({ x: f32(1, 2) }),
      'b.safetensors': shard({ y: f32(3) }),
      'model.safetensors.index.json': JSON.stringify({ weight_map: { x: 'a.safetensors', y: 'b.safetensors' } }),
    });
    const { weights, files } = await readCheckpoint(dir);
    expect(files).toEqual(['a.safetensors', 'b.safetensors']);
    expect(weights.float32('y', [1])).toEqual(Float32Array.from([3]));
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { x: 'b.safetensors' } }));
    await expectInferoxError(readCheckpoint(dir), 'PACKAGE_INVALID', 'tensor "x"', 'b.safetensors', 'does not hold it');
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { x: '../a.safetensors' } }));
    await expectInferoxError(readCheckpoint(dir), 'PACKAGE_INVALID', 'tensor "x"', 'not a file inside');
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { x: 'c.safetensors' } }));
    await expectInferoxError(readCheckpoint(dir), 'PACKAGE_INVALID', 'c.safetensors', 'no such file');
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {} }));
    await expectInferoxError(readCheckpoint(dir), 'PACKAGE_INVALID', 'model.safetensors.index.json', 'weight_map');
  });

  it('rejects with PACKAGE_INVALID naming the file when config or weights are missing or malformed', async () => {
    await expectInferoxError(readCheckpoint(await folder('no-config', {})), 'PACKAGE_INVALID', 'config.json', 'no such file');
    await expectInferoxError(readCheckpoint(await folder('no-weights', { 'config.json': config })), 'PACKAGE_INVALID', 'neither model.safetensors nor model.safetensors.index.json');
    await expectInferoxError(readCheckpoint(await folder('bad-weights', { 'config.json': config, 'model.safetensors': 'short' })), 'PACKAGE_INVALID', 'model.safetensors');
  });

  it('rejects with CANCELLED when the signal is aborted while reading', async () => {
    const mlp = await writeMlpCheckpoint(join(temp.dir, 'mlp'));
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const error = await expectInferoxError(readCheckpoint(mlp.dir, controller.signal), 'CANCELLED');
    expect((error.cause as Error).message).toBe('stop');
  });
});

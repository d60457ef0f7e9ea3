import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { Tensor } from '@inferox/core';
import { expectInferoxError, maxAbsDiff } from '@inferox/core/testing';
import { createTfjsBackend } from '../../create-tfjs-backend';
import type { TfjsBackend } from '../../tfjs-backend';
import { mlpInput, mlpReference, tempDir, writeMlpCheckpoint } from '../test-fixtures.fixture';

describe('inferoxMlpArchitecture', () => {
  let backend: TfjsBackend;
  let temp: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    backend = createTfjsBackend({ runtime: 'wasm' });
    temp = await tempDir();
  });
  afterAll(async () => {
    await backend.dispose();
    await temp.remove();
  });

  it('describes its config in metadata and runs a batch of one when loaded', async () => {
    const mlp = await writeMlpCheckpoint(join(temp.dir, 'ok'), { sizes: [4, 2], act: 'tanh' });
    const model = await backend.loadModel(mlp.dir);
    expect(model.metadata).toMatchObject({ architecture: 'inferox-mlp', layer_sizes: '4,2', hidden_act: 'tanh' });
    expect((await model.run({ input: mlpInput(1, 4) })).logits!.shape).toEqual([1, 2]);
    await model.dispose();
  });

  it('matches the JavaScript forward pass and leaks no tensor for any batch of finite inputs', async () => {
    const mlp = await writeMlpCheckpoint(join(temp.dir, 'property'), { sizes: [3, 5, 2], act: 'gelu' });
    const model = await backend.loadModel(mlp.dir);
    const baseline = tf.memory().numTensors;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((batch) =>
          fc.tuple(fc.constant(batch), fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: batch * 3, maxLength: batch * 3 })),
        ),
        async ([batch, values]) => {
          const input = Tensor.from('float32', Float32Array.from(values), [batch, 3]);
          const { logits } = await model.run({ input });
          expect(logits!.shape).toEqual([batch, 2]);
          expect(maxAbsDiff(logits!.data as Float32Array, mlpReference(mlp, input.data, batch))).toBeLessThan(1e-4);
          expect(tf.memory().numTensors).toBe(baseline);
        },
      ),
      { numRuns: 30 },
    );
    await model.dispose();
  });

  it('rejects with PACKAGE_INVALID naming layer_sizes when it is missing, too short or not positive integers', async () => {
    for (const [name, layer_sizes] of [
      ['missing', undefined],
      ['short', [4]],
      ['fraction', [4, 2.5]],
    ] as const) {
      const mlp = await writeMlpCheckpoint(join(temp.dir, name), { config: { layer_sizes } });
      await expectInferoxError(backend.loadModel(mlp.dir), 'PACKAGE_INVALID', 'config.json', '"layer_sizes"');
    }
  });

  it('rejects with PACKAGE_INVALID naming hidden_act when it is not relu, gelu or tanh', async () => {
    const mlp = await writeMlpCheckpoint(join(temp.dir, 'swish'), { act: 'swish' });
    await expectInferoxError(backend.loadModel(mlp.dir), 'PACKAGE_INVALID', '"hidden_act"', 'relu, gelu, tanh', '"swish"');
  });

  it('rejects with PACKAGE_INVALID naming the tensor when one is missing or has the wrong shape', async () => {
    const missing = await writeMlpCheckpoint(join(temp.dir, 'no-bias'), { edit: (t) => delete t['layers.2.bias'] });
    await expectInferoxError(backend.loadModel(missing.dir), 'PACKAGE_INVALID', '"layers.2.bias"');
    const transposed = await writeMlpCheckpoint(join(temp.dir, 'transposed'), {
      edit: (t) => {
        t['layers.0.weight'] = { ...t['layers.0.weight']!, shape: [10, 8] };
      },
    });
    await expectInferoxError(backend.loadModel(transposed.dir), 'PACKAGE_INVALID', '"layers.0.weight"', '[10, 8]', '[8, 10]');
  });
});

import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor } from '@inferox/core';
import { describeBackendConformance, expectBertReference, expectInferoxError, maxAbsDiff } from '@inferox/core/testing';
import { createTfjsBackend } from '../create-tfjs-backend';
import type { TfjsBackend } from '../tfjs-backend';
import {
  type BertReference,
  TINY_BERT,
  bertFeeds,
  bertTensors,
  mlpInput,
  mlpReference,
  mlpWeights,
  tempDir,
  writeBertCheckpoint,
  writeMlpCheckpoint,
} from './test-fixtures.fixture';

const reference = JSON.parse(readFileSync(join(TINY_BERT, 'reference.json'), 'utf8')) as BertReference;

/**
 * Registers the acceptance tests of the issue against one real runtime: the conformance suite on the tiny BERT and on
 * an inferox-mlp, reference.json within 1e-4, sharded and broken checkpoints, tensor leaks.
 */
export function describeRuntimeAcceptance(runtime: 'wasm' | 'cpu'): void {
  describeBackendConformance({
    name: `tfjs bert (${runtime})`,
    createBackend: () => createTfjsBackend({ runtime }),
    source: TINY_BERT,
    feeds: () => bertFeeds(reference),
    expected: {
      last_hidden_state: { shape: [3, 12, 64], values: reference.last_hidden_state.flat(2) },
      pooler_output: { shape: [3, 64], values: reference.pooler_output.flat() },
    },
    // What tiny-bert-hf's config.json gives: vocab_size 30522, type_vocab_size 2, max_position_embeddings 512.
    limits: {
      valueRanges: { input_ids: { min: 0, maxExclusive: 30522 }, attention_mask: { min: 0, maxExclusive: 2 }, token_type_ids: { min: 0, maxExclusive: 2 } },
      maxDims: { sequence: 512 },
    },
  });

  const mlpDir = join(tmpdir(), `inferox-tfjs-conformance-mlp-${runtime}-${process.pid}`);
  // The plain-JavaScript forward pass of the checkpoint written below, on the same input.
  const mlpSizes = [10, 8, 8, 3];
  const mlpLogits = mlpReference({ dir: mlpDir, sizes: mlpSizes, act: 'gelu', weights: mlpWeights(mlpSizes) }, mlpInput(2, 10).data, 2);
  describeBackendConformance({
    name: `tfjs inferox-mlp (${runtime})`,
    createBackend: async () => {
      await writeMlpCheckpoint(mlpDir, { act: 'gelu', sizes: mlpSizes });
      return createTfjsBackend({ runtime });
    },
    source: mlpDir,
    feeds: () => ({ input: mlpInput(2, 10) }),
    expected: { logits: { shape: [2, 3], values: mlpLogits, tolerance: 1e-5 } },
  });
  afterAll(() => rm(mlpDir, { recursive: true, force: true }));

  describe(`TfjsBackend on ${runtime}`, () => {
    let backend: TfjsBackend;
    let temp: Awaited<ReturnType<typeof tempDir>>;

    beforeAll(async () => {
      backend = createTfjsBackend({ runtime });
      temp = await tempDir();
    });
    afterAll(async () => {
      await backend.dispose();
      await temp.remove();
    });

    it(`reports ${runtime} as the active runtime when asked for it`, async () => {
      const info = await backend.init();
      expect(info).toMatchObject({ name: 'tfjs', runtime, attempts: [] });
      expect(tf.getBackend()).toBe(runtime);
    });

    it('reproduces reference.json within 1e-4 when loading the tiny BERT checkpoint', async () => {
      const bert = await backend.loadModel(TINY_BERT);
      try {
        expect(bert.signature.inputs.map((s) => [s.name, s.dtype, s.shape])).toEqual([
          ['input_ids', 'int64', ['batch', 'sequence']],
          ['attention_mask', 'int64', ['batch', 'sequence']],
          ['token_type_ids', 'int64', ['batch', 'sequence']],
        ]);
        expectBertReference(await bert.run(bertFeeds(reference)), reference);
        expect(bert.metadata).toMatchObject({ format: 'hf-checkpoint', model_type: 'bert', runtime });
      } finally {
        await bert.dispose();
      }
    });

    it('gives the same outputs when the checkpoint is sharded with an index', async () => {
      const dir = await writeBertCheckpoint(join(temp.dir, 'sharded'), await bertTensors(), 3);
      const bert = await backend.loadModel(dir);
      try {
        expect(bert.metadata.weights!.split(',')).toHaveLength(3);
        expectBertReference(await bert.run(bertFeeds(reference)), reference);
      } finally {
        await bert.dispose();
      }
    });

    it('rejects with PACKAGE_INVALID naming the tensor when the checkpoint lacks one', async () => {
      const before = tf.memory().numTensors;
      const tensors = await bertTensors();
      tensors.delete('encoder.layer.1.output.dense.bias');
      const dir = await writeBertCheckpoint(join(temp.dir, 'missing'), tensors);
      await expectInferoxError(backend.loadModel(dir), 'PACKAGE_INVALID', 'encoder.layer.1.output.dense.bias');
      expect(tf.memory().numTensors).toBe(before);
    });

    it('rejects with PACKAGE_INVALID naming the tensor and both shapes when a tensor has the wrong shape', async () => {
      const tensors = await bertTensors();
      const query = tensors.get('encoder.layer.0.attention.self.query.weight')!;
      tensors.set('encoder.layer.0.attention.self.query.weight', { ...query, shape: [32, 128] });
      const dir = await writeBertCheckpoint(join(temp.dir, 'reshaped'), tensors);
      await expectInferoxError(backend.loadModel(dir), 'PACKAGE_INVALID', 'encoder.layer.0.attention.self.query.weight', '[32, 128]', '[64, 64]');
    });

    it('leaves no tfjs tensors behind when runs succeed and when they fail', async () => {
      const bert = await backend.loadModel(TINY_BERT);
      const baseline = tf.memory().numTensors;
      await bert.run(bertFeeds(reference));
      expect(tf.memory().numTensors).toBe(baseline);
      await bert.run(bertFeeds(reference), { outputs: ['pooler_output'] });
      expect(tf.memory().numTensors).toBe(baseline);
      // Refused by the signature's value range for attention_mask (0 and 1), before any tfjs tensor is made.
      const overflow = { ...bertFeeds(reference), attention_mask: Tensor.from('int64', new BigInt64Array(36).fill(2n ** 40n), [3, 12]) };
      await expectInferoxError(bert.run(overflow), 'INVALID_INPUT', 'attention_mask', 'outside [0, 2)');
      expect(tf.memory().numTensors).toBe(baseline);
      const outOfVocab = { ...bertFeeds(reference), input_ids: Tensor.from('int64', new BigInt64Array(36).fill(30522n), [3, 12]) };
      await expectInferoxError(bert.run(outOfVocab), 'INVALID_INPUT', 'input_ids', 'vocab_size');
      expect(tf.memory().numTensors).toBe(baseline);
      await bert.dispose();
      expect(tf.memory().numTensors).toBe(baseline - 39);
    });

    it('computes the inferox-mlp forward pass with F32, F16 and BF16 weights', async () => {
      for (const dtype of ['F32', 'F16', 'BF16'] as const) {
        for (const act of ['relu', 'gelu', 'tanh']) {
          const mlp = await writeMlpCheckpoint(join(temp.dir, `mlp-${dtype}-${act}`), { dtype, act, sizes: [5, 7, 4, 2] });
          const model = await backend.loadModel(mlp.dir);
          try {
            const input = mlpInput(3, 5);
            const { logits } = await model.run({ input });
            expect(logits!.shape).toEqual([3, 2]);
            expect(maxAbsDiff(logits!.data as Float32Array, mlpReference(mlp, input.data, 3)), `${dtype} ${act}`).toBeLessThan(1e-5);
            expect(model.memoryBytes).toBe((5 * 7 + 7 + 7 * 4 + 4 + 4 * 2 + 2) * 4);
          } finally {
            await model.dispose();
          }
        }
      }
    });
  });
}

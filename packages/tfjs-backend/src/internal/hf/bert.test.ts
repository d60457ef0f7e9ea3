import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor } from '@inferox/core';
import { type BertForwardConfig, bertForward, expectBertReference, expectInferoxError, maxAbsDiff } from '@inferox/core/testing';
import { createTfjsBackend } from '../../create-tfjs-backend';
import type { TfjsBackend } from '../../tfjs-backend';
import { TINY_BERT, bertFeeds, bertReference, bertTensors, tempDir, writeBertCheckpoint } from '../test-fixtures.fixture';

describe('bertArchitecture', () => {
  let backend: TfjsBackend;
  let temp: Awaited<ReturnType<typeof tempDir>>;
  const withConfig = async (name: string, patch: Record<string, unknown>): Promise<string> => {
    const dir = join(temp.dir, name);
    await writeBertCheckpoint(dir, await bertTensors());
    const config = JSON.parse(await readFile(join(TINY_BERT, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, ...patch }));
    return dir;
  };

  beforeAll(async () => {
    backend = createTfjsBackend({ runtime: 'wasm' });
    temp = await tempDir();
  });
  afterAll(async () => {
    await backend.dispose();
    await temp.remove();
  });

  it('loads a task-head checkpoint whose encoder is nested under bert.', async () => {
    const tensors = new Map([...(await bertTensors())].map(([name, t]) => [`bert.${name}`, t]));
    const dir = await writeBertCheckpoint(join(temp.dir, 'nested'), tensors);
    const model = await backend.loadModel(dir);
    const ref = await bertReference();
    const { pooler_output } = await model.run(bertFeeds(ref), { outputs: ['pooler_output'] });
    expectBertReference({ pooler_output }, ref, { outputs: ['pooler_output'] });
    expect(model.memoryBytes).toBe(8366360 - 4112 - 8);
    await model.dispose();
  });

  it('has no pooler_output when the checkpoint has no pooler, and names the half that is missing when it has half', async () => {
    const ref = await bertReference();
    const tensors = await bertTensors();
    tensors.delete('pooler.dense.weight');
    await expectInferoxError(backend.loadModel(await writeBertCheckpoint(join(temp.dir, 'half-pooler'), tensors)), 'PACKAGE_INVALID', '"pooler.dense.weight"');
    tensors.delete('pooler.dense.bias');
    const model = await backend.loadModel(await writeBertCheckpoint(join(temp.dir, 'no-pooler'), tensors));
    expect(model.signature.outputs.map((o) => o.name)).toEqual(['last_hidden_state']);
    const out = await model.run(bertFeeds(ref));
    expect(Object.keys(out)).toEqual(['last_hidden_state']);
    expectBertReference(out, ref, { outputs: ['last_hidden_state'] });
    await model.dispose();
  });

  it('rejects with PACKAGE_INVALID naming the field when the config is inconsistent or unsupported', async () => {
    await expectInferoxError(backend.loadModel(await withConfig('heads', { num_attention_heads: 3 })), 'PACKAGE_INVALID', '"num_attention_heads"', 'hidden_size (64)');
    await expectInferoxError(backend.loadModel(await withConfig('act', { hidden_act: 'mish' })), 'PACKAGE_INVALID', '"hidden_act"', '"mish"');
    await expectInferoxError(backend.loadModel(await withConfig('size', { hidden_size: '64' })), 'PACKAGE_INVALID', '"hidden_size"', 'positive integer');
    await expectInferoxError(backend.loadModel(await withConfig('eps', { layer_norm_eps: -1 })), 'PACKAGE_INVALID', '"layer_norm_eps"');
    await expectInferoxError(
      backend.loadModel(await withConfig('relative', { position_embedding_type: 'relative_key' })),
      'PACKAGE_INVALID',
      '"position_embedding_type"',
      'absolute',
    );
  });

  it('runs with the tanh-approximated GELU when hidden_act says gelu_pytorch_tanh', async () => {
    const ref = await bertReference();
    const model = await backend.loadModel(await withConfig('tanh-gelu', { hidden_act: 'gelu_pytorch_tanh' }));
    const { last_hidden_state } = await model.run(bertFeeds(ref));
    // Close to the erf reference (the approximations differ by < 1e-3), yet not the same computation.
    const diff = maxAbsDiff(last_hidden_state!.data as Float32Array, ref.last_hidden_state.flat(2));
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(1e-2);
    await model.dispose();
  });

  it('computes relu, silu and tanh by their formulas when hidden_act names them', async () => {
    const ref = await bertReference();
    const tensors = await bertTensors();
    const config = JSON.parse(await readFile(join(TINY_BERT, 'config.json'), 'utf8')) as BertForwardConfig;
    // core/testing's plain-JavaScript forward pass (its own test checks it against PyTorch's reference.json with gelu).
    const gelu = bertForward(tensors, config, ref.inputs, 'gelu');
    for (const act of ['relu', 'silu', 'tanh']) {
      const model = await backend.loadModel(await withConfig(act, { hidden_act: act }));
      try {
        const expected = bertForward(tensors, config, ref.inputs, act);
        expectBertReference(await model.run(bertFeeds(expected)), expected);
        // The activation shows in the outputs: they are not gelu's.
        expect(maxAbsDiff(expected.last_hidden_state.flat(2), gelu.last_hidden_state.flat(2)), act).toBeGreaterThan(1e-3);
      } finally {
        await model.dispose();
      }
    }
  });

  it('builds swish as silu, the same function under its other Hugging Face name', async () => {
    const ref = await bertReference();
    const silu = await backend.loadModel(await withConfig('act-silu', { hidden_act: 'silu' }));
    const swish = await backend.loadModel(await withConfig('act-swish', { hidden_act: 'swish' }));
    const a = (await silu.run(bertFeeds(ref))).last_hidden_state!.data as Float32Array;
    const b = (await swish.run(bertFeeds(ref))).last_hidden_state!.data as Float32Array;
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(maxAbsDiff(a, ref.last_hidden_state.flat(2))).toBeGreaterThan(1e-3);
    await silu.dispose();
    await swish.dispose();
  });

  it('rejects with INVALID_INPUT naming the input when ids fall outside the vocabulary or the sequence is too long', async () => {
    const model = await backend.loadModel(TINY_BERT);
    const ref = await bertReference();
    const baseline = tf.memory().numTensors;
    await expectInferoxError(
      model.run({ ...bertFeeds(ref), token_type_ids: Tensor.from('int64', new BigInt64Array(36).fill(2n), [3, 12]) }),
      'INVALID_INPUT',
      '"token_type_ids"',
      'type_vocab_size',
    );
    await expectInferoxError(model.run({ ...bertFeeds(ref), input_ids: Tensor.from('int64', new BigInt64Array(36).fill(-1n), [3, 12]) }), 'INVALID_INPUT', '"input_ids"', '-1');
    const long = Tensor.zeros('int64', [1, 513]);
    await expectInferoxError(model.run({ input_ids: long, attention_mask: long, token_type_ids: long }), 'INVALID_INPUT', '"input_ids"', '513', 'at most 512 (max_position_embeddings)');
    expect(tf.memory().numTensors).toBe(baseline);
    await model.dispose();
  });

  it('ignores padded positions when the attention mask is 0 there', async () => {
    const model = await backend.loadModel(TINY_BERT);
    const ref = await bertReference();
    const ids = ref.inputs.input_ids[2]!.slice(0, 4);
    const short = await model.run({
      input_ids: Tensor.from('int64', ids.map(BigInt), [1, 4]),
      attention_mask: Tensor.from('int64', [1n, 1n, 1n, 1n], [1, 4]),
      token_type_ids: Tensor.zeros('int64', [1, 4]),
    });
    expectBertReference(short, ref, { rows: [2, 3], outputs: ['pooler_output'] });
    await model.dispose();
  });
});

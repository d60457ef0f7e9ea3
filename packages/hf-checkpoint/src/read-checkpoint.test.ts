import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSafetensors } from '@inferox/core';
import { expectInferoxError } from '@inferox/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BERT_ARCHITECTURE } from './architectures';
import { TINY_BERT, TINY_BERT_CLS, abortChecks, abortOnCheck, f32, makeFifo, safetensors, tempDir, writeFolder } from './internal/test-files.fixture';
import { readCheckpoint } from './read-checkpoint';
import { readCheckpointFile } from './read-checkpoint-file';

const MLP = { model_type: 'inferox-mlp', layer_sizes: [2, 1] };

describe('readCheckpoint', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    temp = await tempDir();
  });
  afterAll(() => temp.remove());

  it('reads the BertModel fixture with no prefix and a pooler', async () => {
    const checkpoint = await readCheckpoint(TINY_BERT);
    expect(checkpoint).toMatchObject({ dir: TINY_BERT, files: ['model.safetensors'], architecture: BERT_ARCHITECTURE });
    expect(checkpoint.weights.prefix).toBe('');
    const config = BERT_ARCHITECTURE.parseConfig(checkpoint.config);
    expect(checkpoint.weights.float32('embeddings.word_embeddings.weight', [config.vocabSize, config.hiddenSize]).length).toBe(30522 * 64);
    expect(BERT_ARCHITECTURE.signature(config, checkpoint.weights).outputs.map((o) => o.name)).toEqual(['last_hidden_state', 'pooler_output']);
  });

  it('finds the bert. prefix of the sequence-classification fixture without being told', async () => {
    const checkpoint = await readCheckpoint(TINY_BERT_CLS);
    expect(checkpoint.weights.prefix).toBe('bert.');
    expect(checkpoint.weights.has('pooler.dense.weight')).toBe(true);
    const plain = await readCheckpoint(TINY_BERT);
    expect(Array.from(checkpoint.weights.float32('pooler.dense.bias', [64]))).toEqual(Array.from(plain.weights.float32('pooler.dense.bias', [64])));
    expect(checkpoint.weights.names).toContain('classifier.weight');
  });

  it('reads the shards an index lists and checks the index against them', async () => {
    const { tensors } = parseSafetensors(await readFile(join(TINY_BERT, 'model.safetensors')));
    const shards: Record<string, { dtype: 'float32'; shape: readonly number[]; bytes: Uint8Array }>[] = [{}, {}];
    const weightMap: Record<string, string> = {};
    [...tensors.values()].forEach((t, i) => {
      shards[i % 2]![t.name] = { dtype: 'float32', shape: t.shape, bytes: t.bytes };
      weightMap[t.name] = `model-0000${(i % 2) + 1}-of-00002.safetensors`;
    });
    const dir = await writeFolder(join(temp.dir, 'sharded'), {
      'config.json': await readFile(join(TINY_BERT, 'config.json')),
      'model-00001-of-00002.safetensors': safetensors(shards[0]!),
      'model-00002-of-00002.safetensors': safetensors(shards[1]!),
      'model.safetensors.index.json': { metadata: {}, weight_map: weightMap },
    });
    const checkpoint = await readCheckpoint(dir);
    expect(checkpoint.files).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect(checkpoint.weights.source).toBe(join(dir, 'model.safetensors.index.json'));
    const plain = await readCheckpoint(TINY_BERT);
    expect(Array.from(checkpoint.weights.float32('encoder.layer.1.output.dense.bias', [64]))).toEqual(Array.from(plain.weights.float32('encoder.layer.1.output.dense.bias', [64])));
  });

  it('prefers model.safetensors over an index, as transformers does', async () => {
    const dir = await writeFolder(join(temp.dir, 'both'), {
      'config.json': MLP,
      'model.safetensors': safetensors({ x: f32([1]) }),
      'model.safetensors.index.json': { weight_map: { x: 'missing.safetensors' } },
    });
    expect((await readCheckpoint(dir)).files).toEqual(['model.safetensors']);
  });

  it.each<[unknown, string[]]>([
    ['{', ['model.safetensors.index.json: not valid JSON']],
    [{ metadata: {} }, ['weight_map must be an object of tensor name → shard file name']],
    [{ weight_map: { x: 'missing.safetensors' } }, ['model.safetensors.index.json: shard "missing.safetensors"', 'missing.safetensors: cannot read: no such file']],
    [{ weight_map: { x: '../a.safetensors' } }, ['tensor "x" maps to shard "../a.safetensors", which is not a file inside the checkpoint folder']],
    [{ weight_map: { y: 'a.safetensors' } }, ['a.safetensors: tensor "y" listed in model.safetensors.index.json is not in the shard']],
  ])('rejects with PACKAGE_INVALID naming the index or shard when the index is %j', async (index, facts) => {
    const dir = await writeFolder(join(temp.dir, `index-${facts[0]!.length}-${Math.random().toString(36).slice(2)}`), {
      'config.json': MLP,
      'a.safetensors': safetensors({ x: f32([1]) }),
      'model.safetensors.index.json': typeof index === 'string' ? index : (index as Record<string, unknown>),
    });
    await expectInferoxError(readCheckpoint(dir), 'PACKAGE_INVALID', ...facts);
  });

  it('rejects with PACKAGE_INVALID naming the file when config or weights are missing, malformed or FIFOs', async () => {
    await expectInferoxError(readCheckpoint(await writeFolder(join(temp.dir, 'no-config'), {})), 'PACKAGE_INVALID', 'config.json: cannot read: no such file');
    const noWeights = await writeFolder(join(temp.dir, 'no-weights'), { 'config.json': MLP });
    await expectInferoxError(readCheckpoint(noWeights), 'PACKAGE_INVALID', `${noWeights}: has neither model.safetensors nor model.safetensors.index.json`);
    const bad = await writeFolder(join(temp.dir, 'bad-weights'), { 'config.json': MLP, 'model.safetensors': 'short' });
    await expectInferoxError(readCheckpoint(bad), 'PACKAGE_INVALID', `${join(bad, 'model.safetensors')}: invalid safetensors`);
    const fifo = await writeFolder(join(temp.dir, 'fifo-weights'), { 'config.json': MLP });
    makeFifo(join(fifo, 'model.safetensors'));
    await expectInferoxError(readCheckpoint(fifo), 'PACKAGE_INVALID', 'model.safetensors: cannot read: a FIFO, not a regular file');
    const fifoShard = await writeFolder(join(temp.dir, 'fifo-shard'), { 'config.json': MLP, 'model.safetensors.index.json': { weight_map: { x: 'a.safetensors' } } });
    makeFifo(join(fifoShard, 'a.safetensors'));
    await expectInferoxError(readCheckpoint(fifoShard), 'PACKAGE_INVALID', 'shard "a.safetensors"', 'a FIFO, not a regular file');
    const loop = await writeFolder(join(temp.dir, 'loop-weights'), { 'config.json': MLP });
    await symlink(join(loop, 'model.safetensors'), join(loop, 'model.safetensors'));
    await expectInferoxError(readCheckpoint(loop), 'PACKAGE_INVALID', 'model.safetensors: cannot read: a symbolic link loop');
  });

  it('rejects with CANCELLED when the signal is aborted while reading', async () => {
    const error = await expectInferoxError(readCheckpoint(TINY_BERT, { signal: AbortSignal.abort(new Error('stop')) }), 'CANCELLED');
    expect((error.cause as Error).message).toBe('stop');
    // Config and weights are read with the signal: an aborted one stops at the first file.
    expect(error.message).toBe(`reading ${join(TINY_BERT, 'config.json')} was cancelled by its signal`);
  });

  it('rejects with CANCELLED naming the folder when the signal aborts between the index and a shard, or after the last shard', async () => {
    const dir = await writeFolder(join(temp.dir, 'between'), {
      'config.json': MLP,
      'model.safetensors.index.json': { weight_map: { 'layers.0.weight': 'one.safetensors' } },
      'one.safetensors': safetensors({ 'layers.0.weight': f32([1, 2], [1, 2]) }),
    });
    // The last look at the signal is the check after every shard; the one before the shard's own looks is the check
    // before reading it.
    const looks = await abortChecks((signal) => readCheckpoint(dir, { signal }));
    const shardLooks = await abortChecks((signal) => readCheckpointFile(join(dir, 'one.safetensors'), { signal }));
    for (const check of [looks, looks - 1 - shardLooks]) {
      const error = await expectInferoxError(readCheckpoint(dir, { signal: abortOnCheck(check) }), 'CANCELLED');
      expect(error.message).toBe(`reading ${dir} was cancelled by its signal`);
    }
  });

  it('gives only typed errors for random config and weight bytes', async () => {
    const dir = await writeFolder(join(temp.dir, 'fuzz'), {});
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string()), fc.uint8Array({ maxLength: 64 }), async (config, weights) => {
        await writeFile(join(dir, 'config.json'), config);
        await writeFile(join(dir, 'model.safetensors'), weights);
        const outcome = await readCheckpoint(dir).then(
          () => 'read',
          (error: unknown) => (error as { code?: unknown }).code,
        );
        expect(['read', 'PACKAGE_INVALID']).toContain(outcome);
      }),
      { numRuns: 60 },
    );
  });

  it('reads a model_type with no architecture with no prefix', async () => {
    const dir = await writeFolder(join(temp.dir, 'gpt2'), { 'config.json': { model_type: 'gpt2' }, 'model.safetensors': safetensors({ 'transformer.wte.weight': f32([1]) }) });
    const checkpoint = await readCheckpoint(dir);
    expect(checkpoint.architecture).toBeUndefined();
    expect(checkpoint.weights.prefix).toBe('');
    await writeFile(join(dir, 'config.json'), '[]');
    await expectInferoxError(readCheckpoint(dir), 'PACKAGE_INVALID', 'config.json: must hold a JSON object');
  });
});

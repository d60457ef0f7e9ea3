import { join } from 'node:path';
import { expectInferoxError, rejectionOf } from '@inferox/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBertConfig } from './bert-config';
import { parseCheckpointConfig, readCheckpointConfig } from './checkpoint-config';
import { TINY_BERT, TINY_BERT_CLS, makeFifo, tempDir, writeFolder } from './internal/test-files.fixture';
import { parseMlpConfig } from './mlp-config';

const FILE = '/ckpt/config.json';
const config = (raw: Record<string, unknown>) => parseCheckpointConfig(raw, FILE);
const BERT = { model_type: 'bert', vocab_size: 50, hidden_size: 12, num_hidden_layers: 1, num_attention_heads: 3, intermediate_size: 20 };

/** The PACKAGE_INVALID message `fn` throws. */
async function messageOf(fn: () => unknown): Promise<string> {
  const error = await rejectionOf(fn);
  expect(error.code).toBe('PACKAGE_INVALID');
  return error.message;
}

describe('readCheckpointConfig', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    temp = await tempDir();
  });
  afterAll(() => temp.remove());

  it('reads model_type and architectures from the fixtures', async () => {
    expect(await readCheckpointConfig(TINY_BERT)).toMatchObject({ file: join(TINY_BERT, 'config.json'), modelType: 'bert', architectures: ['BertModel'] });
    const cls = await readCheckpointConfig(TINY_BERT_CLS);
    expect(cls.architectures).toEqual(['BertForSequenceClassification']);
    expect(cls.raw.id2label).toEqual({ 0: 'negative', 1: 'neutral', 2: 'positive' });
  });

  it('names the file and field when config.json is missing, a FIFO or lacks model_type', async () => {
    const dir = await writeFolder(join(temp.dir, 'a'), {});
    await expectInferoxError(readCheckpointConfig(dir), 'PACKAGE_INVALID', `${join(dir, 'config.json')}: cannot read: no such file`);
    makeFifo(join(dir, 'config.json'));
    await expectInferoxError(readCheckpointConfig(dir), 'PACKAGE_INVALID', 'config.json: cannot read: a FIFO, not a regular file');
    const b = await writeFolder(join(temp.dir, 'b'), { 'config.json': { hidden_size: 3 } });
    await expectInferoxError(readCheckpointConfig(b), 'PACKAGE_INVALID', 'config.json: field "model_type" must be a non-empty string, got nothing');
  });

  it('rejects with CANCELLED naming config.json when the signal is aborted', async () => {
    const error = await expectInferoxError(readCheckpointConfig(TINY_BERT, { signal: AbortSignal.abort(new Error('stop')) }), 'CANCELLED');
    expect(error.message).toBe(`reading ${join(TINY_BERT, 'config.json')} was cancelled by its signal`);
    expect((error.cause as Error).message).toBe('stop');
  });

  it('refuses a model_type that is not a non-empty string and architectures that are not strings', async () => {
    expect(await messageOf(() => config({ model_type: 7 }))).toBe(`${FILE}: field "model_type" must be a non-empty string, got 7`);
    expect(await messageOf(() => config({ model_type: '' }))).toContain('field "model_type" must be a non-empty string, got ""');
    expect(await messageOf(() => config({ model_type: 'bert', architectures: 'BertModel' }))).toContain('field "architectures" must be an array of strings');
    expect(config({ model_type: 'bert' }).architectures).toEqual([]);
  });

  it('cuts a long value it quotes', async () => {
    const message = await messageOf(() => config({ model_type: ['x'.repeat(10_000)] }));
    expect(message.length).toBeLessThan(300);
    expect(message).toContain('… (10004 chars)');
  });
});

describe('parseBertConfig', () => {
  it('applies transformers defaults when the optional fields are absent', () => {
    expect(parseBertConfig(config(BERT))).toEqual({
      vocabSize: 50,
      hiddenSize: 12,
      numHiddenLayers: 1,
      numAttentionHeads: 3,
      headSize: 4,
      intermediateSize: 20,
      maxPositionEmbeddings: 512,
      typeVocabSize: 2,
      layerNormEps: 1e-12,
      hiddenAct: 'gelu',
    });
  });

  it('reads the fixture config as written', async () => {
    expect(parseBertConfig(await readCheckpointConfig(TINY_BERT))).toMatchObject({ vocabSize: 30522, hiddenSize: 64, numHiddenLayers: 2, maxPositionEmbeddings: 512, hiddenAct: 'gelu' });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ hidden_act: 'quick_gelu' }, 'field "hidden_act" must be one of gelu, gelu_new, gelu_pytorch_tanh, relu, tanh, silu, swish, got "quick_gelu"'],
    [{ num_attention_heads: 5 }, 'field "num_attention_heads" must divide hidden_size (12), got 5'],
    [{ hidden_size: '12' }, 'field "hidden_size" must be a positive integer, got "12"'],
    [{ vocab_size: undefined }, 'field "vocab_size" must be a positive integer, got nothing'],
    [{ intermediate_size: 2.5 }, 'field "intermediate_size" must be a positive integer, got 2.5'],
    [{ max_position_embeddings: 2 ** 60 }, 'field "max_position_embeddings" must be a positive integer'],
    [{ layer_norm_eps: -1 }, 'field "layer_norm_eps" must be a positive number, got -1'],
    [{ layer_norm_eps: '1e-12' }, 'field "layer_norm_eps" must be a positive number, got "1e-12"'],
    [{ position_embedding_type: 'relative_key' }, 'field "position_embedding_type" must be one of absolute, got "relative_key"'],
  ])('rejects with PACKAGE_INVALID naming the field when config.json has %j', async (patch, message) => {
    expect(await messageOf(() => parseBertConfig(config({ ...BERT, ...patch })))).toContain(`${FILE}: ${message}`);
  });

  it('throws only PACKAGE_INVALID for any JSON object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('model_type', 'vocab_size', 'hidden_size', 'num_attention_heads', 'hidden_act', 'layer_norm_eps', 'architectures', 'x'), fc.jsonValue()), (raw) => {
        try {
          parseBertConfig(config({ ...BERT, ...raw }));
        } catch (error) {
          expect((error as { code?: unknown }).code).toBe('PACKAGE_INVALID');
        }
      }),
    );
  });
});

describe('parseMlpConfig', () => {
  it('reads layer_sizes and defaults hidden_act to relu', () => {
    expect(parseMlpConfig(config({ model_type: 'inferox-mlp', layer_sizes: [10, 2] }))).toEqual({ layerSizes: [10, 2], hiddenAct: 'relu' });
    expect(parseMlpConfig(config({ model_type: 'inferox-mlp', layer_sizes: [4, 3, 2], hidden_act: 'tanh' })).hiddenAct).toBe('tanh');
  });

  it.each<[unknown, string]>([
    [undefined, 'field "layer_sizes" must be an array of at least 2 positive integers, got nothing'],
    [[4], 'field "layer_sizes" must be an array of at least 2 positive integers, got [4]'],
    [[4, 0], 'field "layer_sizes" must be an array of at least 2 positive integers, got [4,0]'],
    [[4, '2'], 'field "layer_sizes" must be an array of at least 2 positive integers'],
  ])('rejects with PACKAGE_INVALID naming layer_sizes when it is %j', async (sizes, message) => {
    expect(await messageOf(() => parseMlpConfig(config({ model_type: 'inferox-mlp', layer_sizes: sizes })))).toContain(`${FILE}: ${message}`);
  });

  it('refuses an activation the MLP does not build', async () => {
    expect(await messageOf(() => parseMlpConfig(config({ model_type: 'inferox-mlp', layer_sizes: [2, 2], hidden_act: 'swish' })))).toContain('field "hidden_act" must be one of relu, gelu, tanh, got "swish"');
  });
});

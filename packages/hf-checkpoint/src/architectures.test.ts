import { rejectionOf } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import {
  BERT_ARCHITECTURE,
  CHECKPOINT_ARCHITECTURES,
  MLP_ARCHITECTURE,
  architectureFor,
  backendsBuilding,
  modelTypesBuiltBy,
} from './architectures';
import { parseBertConfig } from './bert-config';
import { parseCheckpointConfig } from './checkpoint-config';
import { parseMlpConfig } from './mlp-config';
import { tensorLookup } from './tensor-lookup';

const bertConfig = parseCheckpointConfig(
  { model_type: 'bert', vocab_size: 10, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16 },
  '/c/config.json',
);

describe('CHECKPOINT_ARCHITECTURES', () => {
  it('lists bert and inferox-mlp, each built by onnx and tfjs', () => {
    expect([...CHECKPOINT_ARCHITECTURES.keys()]).toEqual(['bert', 'inferox-mlp']);
    expect(CHECKPOINT_ARCHITECTURES.get('bert')).toBe(BERT_ARCHITECTURE);
    expect(CHECKPOINT_ARCHITECTURES.get('inferox-mlp')).toBe(MLP_ARCHITECTURE);
    // The anchor tensor is how a task-head prefix is found; the config parser is the architecture's own.
    expect(BERT_ARCHITECTURE).toMatchObject({ modelType: 'bert', backends: ['onnx', 'tfjs'], anchorTensor: 'embeddings.word_embeddings.weight', parseConfig: parseBertConfig });
    expect(MLP_ARCHITECTURE).toMatchObject({ modelType: 'inferox-mlp', backends: ['onnx', 'tfjs'], anchorTensor: 'layers.0.weight', parseConfig: parseMlpConfig });
    expect(BERT_ARCHITECTURE.description).toMatch(/^Hugging Face BertModel [^\n]+$/);
    expect(MLP_ARCHITECTURE.description).toMatch(/^Inferox test MLP [^\n]+$/);
    expect(modelTypesBuiltBy('onnx')).toEqual(['bert', 'inferox-mlp']);
    expect(backendsBuilding('bert')).toEqual(['onnx', 'tfjs']);
    expect(backendsBuilding('gpt2')).toEqual([]);
    expect(backendsBuilding('constructor')).toEqual([]);
    expect(modelTypesBuiltBy('tfjs')).toEqual(['bert', 'inferox-mlp']);
    expect(modelTypesBuiltBy('webnn')).toEqual([]);
  });
});

describe('BERT_ARCHITECTURE', () => {
  it('declares the config limits on its inputs and has pooler_output only when the checkpoint has a pooler tensor', () => {
    const config = BERT_ARCHITECTURE.parseConfig(bertConfig);
    const withPooler = BERT_ARCHITECTURE.signature(config, tensorLookup(new Set(['pooler.dense.bias']), ''));
    expect(withPooler).toEqual({
      inputs: [
        ['input_ids', config.vocabSize, 'vocab_size'],
        ['attention_mask', 2, 'a mask of 0 and 1'],
        ['token_type_ids', config.typeVocabSize, 'type_vocab_size'],
      ].map(([name, maxExclusive, source]) => ({
        name,
        dtype: 'int64',
        shape: ['batch', 'sequence'],
        dimLimits: [null, { max: config.maxPositionEmbeddings, source: 'max_position_embeddings' }],
        valueRange: { min: 0, maxExclusive, source },
      })),
      outputs: [
        { name: 'last_hidden_state', dtype: 'float32', shape: ['batch', 'sequence', 8] },
        { name: 'pooler_output', dtype: 'float32', shape: ['batch', 8] },
      ],
    });
    expect(BERT_ARCHITECTURE.signature(config, tensorLookup(new Set(['x']), '')).outputs.map((o) => o.name)).toEqual(['last_hidden_state']);
    // Either pooler tensor is enough: a checkpoint may hold the weight without the bias.
    expect(BERT_ARCHITECTURE.signature(config, tensorLookup(new Set(['pooler.dense.weight']), '')).outputs.map((o) => o.name)).toEqual([
      'last_hidden_state',
      'pooler_output',
    ]);
  });
});

describe('MLP_ARCHITECTURE', () => {
  it('takes input [batch, first size] and gives logits [batch, last size]', () => {
    const config = MLP_ARCHITECTURE.parseConfig(parseCheckpointConfig({ model_type: 'inferox-mlp', layer_sizes: [10, 8, 3] }, 'c'));
    expect(MLP_ARCHITECTURE.signature(config, tensorLookup(new Set(), ''))).toEqual({
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 10] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 3] }],
    });
  });
});

describe('architectureFor', () => {
  it('returns the architecture a backend builds and names model_type otherwise', async () => {
    expect(architectureFor(bertConfig, 'onnx')).toBe(BERT_ARCHITECTURE);
    const gpt2 = parseCheckpointConfig({ model_type: 'gpt2' }, '/c/config.json');
    const error = await rejectionOf(() => architectureFor(gpt2, 'tfjs'));
    expect(error.code).toBe('PACKAGE_INVALID');
    expect(error.message).toBe('/c/config.json: model_type "gpt2" is not built by the tfjs backend; it builds bert, inferox-mlp');
    expect(error.details).toEqual({ file: '/c/config.json', field: 'model_type', given: 'gpt2' });
  });
});

import { join } from 'node:path';
import { describeBackendConformance } from '@inferox/core/testing';
import { createOnnxBackend } from './create-onnx-backend';
import { BERT_DIR, bertFeeds, expectedHidden, expectedPooler } from './internal/test-fixtures.fixture';

const expected = {
  last_hidden_state: { shape: [3, 12, 64], values: expectedHidden },
  pooler_output: { shape: [3, 64], values: expectedPooler },
};

describeBackendConformance({
  name: 'onnx (cpu) with the torch-exported model.onnx',
  createBackend: () => createOnnxBackend(),
  source: join(BERT_DIR, 'model.onnx'),
  feeds: bertFeeds,
  expected,
});

describeBackendConformance({
  name: 'onnx (cuda → cpu fallback) with the BERT checkpoint folder',
  createBackend: () => createOnnxBackend({ executionProviders: ['cuda', 'cpu'] }),
  source: { path: BERT_DIR, format: 'hf-checkpoint' },
  feeds: bertFeeds,
  expected,
  // What tiny-bert-hf's config.json gives: vocab_size 30522, type_vocab_size 2, max_position_embeddings 512.
  limits: {
    valueRanges: { input_ids: { min: 0, maxExclusive: 30522 }, attention_mask: { min: 0, maxExclusive: 2 }, token_type_ids: { min: 0, maxExclusive: 2 } },
    maxDims: { sequence: 512 },
  },
});

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
});

// The root README's "In code" example, run as written (paths made absolute), so the README cannot drift from the API.
import { resolve } from 'node:path';
import { Tensor } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  it('loads bert on both backends and answers on the one asked for', async () => {
    const engine = createEngine({ backends: [createOnnxBackend(), createTfjsBackend({ runtime: 'wasm' })] });
    await engine.load('bert', { source: resolve(import.meta.dirname, '../../../fixtures/tiny-bert-hf'), backends: ['onnx', 'tfjs'] });
    const ids = Tensor.from('int64', [101, 7592, 102], [1, 3]);
    const feeds = { input_ids: ids, attention_mask: Tensor.from('int64', [1, 1, 1], [1, 3]), token_type_ids: Tensor.zeros('int64', [1, 3]) };
    const { outputs, backend } = await engine.infer('bert', feeds, { backend: 'tfjs', priority: 'high', timeoutMs: 5000 });
    await engine.close({ drain: true });
    expect(backend).toBe('tfjs');
    expect(outputs.last_hidden_state!.shape).toEqual([1, 3, 64]);
    expect(engine.stats().closed).toBe(true);
  });
});

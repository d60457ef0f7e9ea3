import { type Backend, type ModelHandle, Tensor, type TensorMap } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from './engine';
import { BERT_DIR, bertFeeds } from './real-models.fixture';

/** Counts, per backend, the runs that reached a handle the backend handed out (the backend itself runs unchanged). */
function countingRuns(backend: Backend, runs: Record<string, number>): Backend {
  const load = backend.loadModel.bind(backend);
  backend.loadModel = async (...args) => {
    const handle: ModelHandle = await load(...args);
    const run = handle.run.bind(handle);
    Object.defineProperty(handle, 'run', {
      value: (feeds: TensorMap, options?: Parameters<ModelHandle['run']>[1]) => {
        runs[backend.name] = (runs[backend.name] ?? 0) + 1;
        return run(feeds, options);
      },
    });
    return handle;
  };
  return backend;
}

/** The reference feeds with input_ids[0][0] set to `id`. */
function feedsWithId(id: bigint): TensorMap {
  const feeds = bertFeeds();
  const ids = Tensor.from('int64', (feeds.input_ids!.data as BigInt64Array).slice(), feeds.input_ids!.shape);
  (ids.data as BigInt64Array)[0] = id;
  return { ...feeds, input_ids: ids };
}

// Issue 13's acceptance: a caller's mistake is answered INVALID_INPUT by the first replica it reaches and never
// retried on another backend (only BACKEND_UNAVAILABLE and BACKEND_ERROR fall back). Before the shared handle
// behaviour, onnx answered an out-of-vocabulary id with BACKEND_ERROR and the engine retried it on tfjs.
describe('Engine with onnx and tfjs replicas given a request the model cannot take', () => {
  let engine: Engine;
  const runs: Record<string, number> = {};

  beforeAll(async () => {
    engine = createEngine({
      backends: [countingRuns(createOnnxBackend(), runs), countingRuns(createTfjsBackend({ runtime: 'wasm' }), runs)],
      config: { fallback: true },
    });
    await engine.load('bert', { source: BERT_DIR, backends: ['onnx', 'tfjs'] });
  });
  afterAll(async () => {
    await engine.close();
  });

  it.each([
    ['an out-of-vocabulary token id', feedsWithId(30_522n), 'element 0 is 30522, outside [0, 30522) (vocab_size)'],
    ['a negative token id', feedsWithId(-1n), 'element 0 is -1, outside [0, 30522) (vocab_size)'],
  ])('answers INVALID_INPUT naming the bound and retries on no other replica when it gets %s', async (_what, feeds, message) => {
    for (const backend of [undefined, 'onnx', 'tfjs'] as const) {
      const before = { ...runs };
      const fallbacks = engine.stats().requests.fallbacks;
      const error = await rejectionOf(engine.infer('bert', feeds, backend ? { backend } : {}));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain(message);
      expect(engine.stats().requests.fallbacks, `fallbacks when routed to ${backend ?? 'any'}`).toBe(fallbacks);
      // At most the one replica the request reached ran it (the engine may refuse it before any replica does).
      const ran = Object.keys(runs).filter((b) => runs[b] !== before[b]);
      expect(ran.length, `replicas that ran it: ${ran.join(', ')}`).toBeLessThanOrEqual(1);
    }
  });

  it('answers INVALID_INPUT on both backends when the sequence is longer than max_position_embeddings', async () => {
    const long = Object.fromEntries(Object.keys(bertFeeds(0, 1)).map((name) => [name, Tensor.zeros('int64', [1, 513])]));
    for (const backend of ['onnx', 'tfjs'] as const) {
      const error = await rejectionOf(engine.infer('bert', long, { backend }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain('at most 512 (max_position_embeddings)');
    }
  });

  it('still serves a valid request on each backend after the refusals', async () => {
    for (const backend of ['onnx', 'tfjs'] as const) {
      const { outputs } = await engine.infer('bert', bertFeeds(), { backend });
      expect(outputs.last_hidden_state!.shape).toEqual([3, 12, 64]);
    }
    expect(runs.onnx).toBeGreaterThanOrEqual(1);
    expect(runs.tfjs).toBeGreaterThanOrEqual(1);
  });
});

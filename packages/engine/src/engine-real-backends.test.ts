import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backend, type ModelHandle } from '@inferox/core';
import { expectBertReference, maxAbsDiff } from '@inferox/core/testing';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from './engine';
import { BERT_DIR, BERT_REFERENCE, bertFeeds, mlpFeeds, writeMlp } from './real-models.fixture';

/**
 * Records every handle a real backend hands out (the backend itself runs unchanged), and for each a promise that
 * resolves once the engine has disposed it.
 */
function recording(backend: Backend): { backend: Backend; handles: ModelHandle[]; disposals: Promise<void>[] } {
  const handles: ModelHandle[] = [];
  const disposals: Promise<void>[] = [];
  const load = backend.loadModel.bind(backend);
  backend.loadModel = async (...args) => {
    const handle = await load(...args);
    const dispose = handle.dispose.bind(handle);
    let disposed!: () => void;
    disposals.push(new Promise<void>((resolve) => (disposed = resolve)));
    Object.defineProperty(handle, 'dispose', {
      value: async () => {
        try {
          await dispose();
        } finally {
          disposed();
        }
      },
    });
    handles.push(handle);
    return handle;
  };
  return { backend, handles, disposals };
}

const flat = (t: { data: unknown }): number[] => Array.from(t.data as Float32Array);

describe('Engine with the real onnx and tfjs (wasm) backends', () => {
  let dir: string;
  let engine: Engine;
  let onnx: ReturnType<typeof recording>;
  let tfjs: ReturnType<typeof recording>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inferox-engine-real-'));
    onnx = recording(createOnnxBackend());
    tfjs = recording(createTfjsBackend({ runtime: 'wasm' }));
    engine = createEngine({ backends: [onnx.backend, tfjs.backend] });
    await engine.load('bert', { source: BERT_DIR, backends: ['onnx', 'tfjs'] });
  });
  afterAll(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('routes bert by the request backend, and both replicas agree with the reference within 1e-4', async () => {
    const info = engine.info('bert');
    expect(info.replicas.map((r) => r.backend)).toEqual(['onnx', 'tfjs']);
    expect(info.signature!.inputs.map((s) => s.name).sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
    const [a, b] = await Promise.all([engine.infer('bert', bertFeeds(), { backend: 'onnx' }), engine.infer('bert', bertFeeds(), { backend: 'tfjs' })]);
    expect([a.backend, b.backend]).toEqual(['onnx', 'tfjs']);
    expect(b.device).toBe('wasm');
    expectBertReference(a.outputs, BERT_REFERENCE);
    expectBertReference(b.outputs, BERT_REFERENCE);
  });

  it('hot-swaps bert under concurrent load without a failed request', async () => {
    const requests = Array.from({ length: 60 }, (_, i) => engine.infer('bert', bertFeeds(i % 3, (i % 3) + 1), { backend: 'onnx' }));
    const swapped = await engine.load('bert', { replicas: [{ backend: 'onnx', source: join(BERT_DIR, 'model.onnx') }, { backend: 'tfjs', source: BERT_DIR }] });
    requests.push(...Array.from({ length: 60 }, (_, i) => engine.infer('bert', bertFeeds(i % 3, (i % 3) + 1))));
    const results = await Promise.allSettled(requests);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    results.forEach((r, i) => {
      const out = (r as PromiseFulfilledResult<{ outputs: Record<string, { data: unknown; shape: readonly number[] }> }>).value.outputs;
      expectBertReference(out, BERT_REFERENCE, { rows: [i % 3, (i % 3) + 1] });
    });
    expect(swapped.replicas.map((r) => r.backend)).toEqual(['onnx', 'tfjs']);
    // The replaced onnx and tfjs handles are disposed once their last request settled (the swap drains them apart).
    await Promise.all([onnx.disposals[0], tfjs.disposals[0]]);
    expect(onnx.handles[0]!.disposed).toBe(true);
    expect(tfjs.handles[0]!.disposed).toBe(true);
    expect(onnx.handles.at(-1)!.disposed).toBe(false);
  });

  it('loads and unloads a real model 50 times leaving no handle and no tfjs tensor behind', async () => {
    const mlp = await writeMlp(join(dir, 'mlp'), 3);
    const tensorsBefore = tf.memory().numTensors;
    const onnxBefore = onnx.handles.filter((h) => !h.disposed).length;
    const tfjsBefore = tfjs.handles.filter((h) => !h.disposed).length;
    for (let i = 0; i < 50; i++) {
      await engine.load('mlp', { source: mlp, backends: ['onnx', 'tfjs'] });
      const [a, b] = await Promise.all([engine.infer('mlp', mlpFeeds(i), { backend: 'onnx' }), engine.infer('mlp', mlpFeeds(i), { backend: 'tfjs' })]);
      expect(maxAbsDiff(flat(a.outputs.logits!), flat(b.outputs.logits!))).toBeLessThanOrEqual(1e-4);
      await engine.unload('mlp');
    }
    expect(engine.list().map((m) => m.name)).toEqual(['bert']);
    expect(onnx.handles.filter((h) => !h.disposed).length).toBe(onnxBefore);
    expect(tfjs.handles.filter((h) => !h.disposed).length).toBe(tfjsBefore);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(engine.stats().memory.heldBytes).toBe(engine.info('bert').memoryBytes);
  });

  it('falls back to onnx when the tfjs backend is made unavailable', async () => {
    await tfjs.backend.dispose();
    const result = await engine.infer('bert', bertFeeds(), { backend: 'tfjs' });
    expect(result.backend).toBe('onnx');
    expect(result.fellBack).toMatchObject({ from: 'tfjs', reason: 'BACKEND_UNAVAILABLE' });
    expectBertReference(result.outputs, BERT_REFERENCE);
    expect(await engine.metrics.getSingleMetricAsString('inferox_fallbacks_total')).toContain('from="tfjs",to="onnx",reason="BACKEND_UNAVAILABLE"');
  });
});

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '@inferox/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOnnxBackend } from './create-onnx-backend';
import { ONE_THREAD_BELOW_BYTES } from './internal/size-defaults';
import { loadOrt } from './internal/load-ort';
import { OnnxGraphBuilder } from './onnx-graph-builder';
import { BERT_DIR } from './internal/test-fixtures.fixture';

const MODEL = join(BERT_DIR, 'model.onnx');
const NO_SPINNING = { session: { intra_op: { allow_spinning: '0' } } };

/** The session options the model's real InferenceSession.create call got (the spy records and calls through). */
async function sessionOptionsOf(load: (backend: ReturnType<typeof createOnnxBackend>) => Promise<unknown>, backendOptions = {}, target: unknown = MODEL): Promise<Record<string, unknown>> {
  const ort = await loadOrt();
  const create = vi.spyOn(ort.InferenceSession, 'create');
  const backend = createOnnxBackend(backendOptions);
  try {
    const handle = (await load(backend)) as { dispose(): Promise<void> };
    await handle.dispose();
  } finally {
    await backend.dispose();
  }
  // The backend's init also opens a probe session (from its own bytes); the model's is the one opened from `target`.
  const calls = create.mock.calls.filter(([given]) => (given as unknown) === target);
  create.mockRestore();
  expect(calls).toHaveLength(1);
  return calls[0]![1] as Record<string, unknown>;
}

/** y = x + sum(w): a 16 MiB initializer makes a model just at the one-thread bound. */
function modelAtTheBound(): Uint8Array {
  const g = new OnnxGraphBuilder();
  const x = g.addInput('x', 'float32', [1]);
  const w = g.addInitializer('w', Tensor.zeros('float32', [ONE_THREAD_BELOW_BYTES / 4]));
  g.addOutput(g.op('Add', [x, g.op('ReduceSum', [w], { keepdims: 1 })], {}, 'y'), 'float32', [1]);
  const bytes = g.toBytes();
  expect(bytes.length).toBeGreaterThanOrEqual(ONE_THREAD_BELOW_BYTES);
  return bytes;
}

describe('onnx session defaults', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives a small model (the 8 MiB tiny BERT) loaded with no options one intra-op thread, no spinning and quiet native logs', async () => {
    expect(await sessionOptionsOf((b) => b.loadModel(MODEL))).toEqual({ logSeverityLevel: 4, intraOpNumThreads: 1, extra: NO_SPINNING, executionProviders: ['cpu'] });
  });

  it('gives a model of 16 MiB or more a thread per logical CPU', async () => {
    const bytes = modelAtTheBound();
    const options = await sessionOptionsOf((b) => b.loadModel({ bytes, name: 'big' }), {}, bytes);
    expect(options).toEqual({ logSeverityLevel: 4, intraOpNumThreads: availableParallelism(), extra: NO_SPINNING, executionProviders: ['cpu'] });
  });

  it("sizes a large model's default within the load's cpuThreads (the engine's share for a worker instance), the session options winning", async () => {
    const bytes = modelAtTheBound();
    expect(await sessionOptionsOf((b) => b.loadModel({ bytes, name: 'big' }, { cpuThreads: 3 }), {}, bytes)).toMatchObject({ intraOpNumThreads: 3 });
    const given = { cpuThreads: 3, sessionOptions: { intraOpNumThreads: 2 } };
    expect(await sessionOptionsOf((b) => b.loadModel({ bytes, name: 'big' }, given), {}, bytes)).toMatchObject({ intraOpNumThreads: 2 });
    expect(await sessionOptionsOf((b) => b.loadModel(MODEL, { cpuThreads: 3 }))).toMatchObject({ intraOpNumThreads: 1 });
  });

  it('lets the backend-wide and the load options override the default thread count, 0 asking for onnxruntime’s own', async () => {
    expect(await sessionOptionsOf((b) => b.loadModel(MODEL), { sessionOptions: { intraOpNumThreads: 3 } })).toMatchObject({ intraOpNumThreads: 3 });
    expect(await sessionOptionsOf((b) => b.loadModel(MODEL, { sessionOptions: { intraOpNumThreads: 0 } }))).toMatchObject({ intraOpNumThreads: 0 });
  });

  it('lets a given `extra` replace the default session config entries as a whole', async () => {
    const spinning = { session: { intra_op: { allow_spinning: '1' } } };
    expect(await sessionOptionsOf((b) => b.loadModel(MODEL, { sessionOptions: { extra: spinning } }))).toMatchObject({ extra: spinning });
    expect(await sessionOptionsOf((b) => b.loadModel(MODEL), { sessionOptions: { extra: {} } })).toMatchObject({ extra: {} });
  });
});

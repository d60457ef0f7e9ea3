import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOnnxBackend } from './create-onnx-backend';
import { defaultIntraOpThreads } from './internal/default-threads';
import { loadOrt } from './internal/load-ort';
import { BERT_DIR } from './internal/test-fixtures.fixture';

const MODEL = join(BERT_DIR, 'model.onnx');

/** The session options the model's real InferenceSession.create call got (the spy records and calls through). */
async function sessionOptionsOf(load: (backend: ReturnType<typeof createOnnxBackend>) => Promise<unknown>, backendOptions = {}): Promise<Record<string, unknown>> {
  const ort = await loadOrt();
  const create = vi.spyOn(ort.InferenceSession, 'create');
  const backend = createOnnxBackend(backendOptions);
  try {
    const handle = (await load(backend)) as { dispose(): Promise<void> };
    await handle.dispose();
  } finally {
    await backend.dispose();
  }
  // The backend's init also opens a probe session (from bytes); the model's is the one opened from its path.
  const calls = create.mock.calls.filter(([target]) => (target as unknown) === MODEL);
  create.mockRestore();
  expect(calls).toHaveLength(1);
  return calls[0]![1] as Record<string, unknown>;
}

describe('onnx session defaults', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives a model loaded with no options half the cores as intra-op threads (at least one) and quiet native logs', async () => {
    const options = await sessionOptionsOf((b) => b.loadModel(MODEL));
    expect(options).toMatchObject({ intraOpNumThreads: defaultIntraOpThreads(), logSeverityLevel: 4 });
  });

  it('lets the backend-wide and the load options override the default thread count, 0 asking for onnxruntime’s own', async () => {
    expect(await sessionOptionsOf((b) => b.loadModel(MODEL), { sessionOptions: { intraOpNumThreads: 3 } })).toMatchObject({ intraOpNumThreads: 3 });
    expect(await sessionOptionsOf((b) => b.loadModel(MODEL, { sessionOptions: { intraOpNumThreads: 0 } }))).toMatchObject({ intraOpNumThreads: 0 });
  });
});

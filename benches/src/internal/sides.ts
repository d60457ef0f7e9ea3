import { createEngine, type Engine, type ModelSpec } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import * as ort from 'onnxruntime-node';

/**
 * The session options every onnxruntime session of a run uses, Inferox's and the baselines'. Spinning is
 * onnxruntime's own default, stated so that the engine's sessions (whose default is not to spin) run as raw ones do.
 */
export function sessionOptions(threads: number): { intraOpNumThreads: number; interOpNumThreads: number; extra: { session: { intra_op: { allow_spinning: '1' } } } } {
  return { intraOpNumThreads: threads, interOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '1' } } } };
}

/** A raw onnxruntime-node session on `onnxPath` with the run's session options (the baseline users write by hand). */
export function rawSession(onnxPath: string, threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(onnxPath, { ...sessionOptions(threads), executionProviders: ['cpu'] });
}

/**
 * An engine with one onnx backend (same session options) and `model` loaded as `name`, batching only when `spec`
 * says so: a side measures the scheduling it names against raw runs, not the engine's default batching (scenario 13
 * measures the defaults).
 */
export async function onnxEngine(name: string, spec: ModelSpec, threads: number): Promise<Engine> {
  const engine = createEngine({ backends: [createOnnxBackend({ executionProviders: ['cpu'], sessionOptions: sessionOptions(threads) })] });
  try {
    await engine.load(name, { backends: ['onnx'], batching: false, ...spec });
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}

import { ErrorCode, type InitAttempt, InferoxError } from '@inferox/core';
import { OnnxGraphBuilder } from '../onnx-graph-builder';
import type { OrtModule } from './load-ort';

// Whether a provider initialises is a fact about this process (its ORT build and the libraries on disk), so the
// answer is kept for the process: every backend asks once, and ORT logs a missing library only once.
const outcomes = new Map<string, Promise<InitAttempt | undefined>>();
let probeModel: Uint8Array | undefined;

function probeBytes(): Uint8Array {
  if (!probeModel) {
    const g = new OnnxGraphBuilder({ name: 'inferox-probe' });
    g.addInput('x', 'float32', [1]);
    g.addOutput(g.op('Identity', ['x'], {}, 'y'), 'float32', [1]);
    probeModel = g.toBytes();
  }
  return probeModel;
}

/**
 * Tries an execution provider for real: it must be in the ORT build and a one-node session must be created on it
 * (ORT throws, rather than falling back, when the provider's library cannot be loaded).
 *
 * @returns `undefined` when it works, else the attempt with a `BACKEND_UNAVAILABLE` cause wrapping ORT's error.
 */
export function probeProvider(ort: OrtModule, candidate: string): Promise<InitAttempt | undefined> {
  let pending = outcomes.get(candidate);
  if (!pending) {
    pending = (async () => {
      const supported = ort.listSupportedBackends().map((b) => b.name);
      if (!supported.includes(candidate)) {
        const cause = new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `execution provider ${candidate} is not in this onnxruntime-node build (it has ${supported.join(', ')})`);
        return { candidate, cause };
      }
      try {
        const session = await ort.InferenceSession.create(probeBytes(), { executionProviders: [candidate], logSeverityLevel: 4 });
        await session.release();
        return undefined;
      } catch (error) {
        const cause = new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `execution provider ${candidate} failed to initialise: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
        });
        return { candidate, cause };
      }
    })();
    outcomes.set(candidate, pending);
  }
  return pending;
}

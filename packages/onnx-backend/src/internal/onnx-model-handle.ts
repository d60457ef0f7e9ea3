import {
  type Device,
  ErrorCode,
  InferoxError,
  type Logger,
  ManagedModelHandle,
  type ModelRunner,
  type ModelSignature,
  type Tensor,
  type TensorMap,
  type TensorSpec,
  batchDimOf,
  cutText,
} from '@inferox/core';
import type * as Ort from 'onnxruntime-node';
import type { OrtModule } from './load-ort';
import { fromOrtTensor, toOrtTensor } from './ort-tensor';
import { defaultRunsInFlight } from './size-defaults';

/** What an onnx handle is made of. */
export interface OnnxModelHandleInit {
  readonly ort: OrtModule;
  readonly session: Ort.InferenceSession;
  readonly name: string;
  readonly device: Device;
  readonly signature: ModelSignature;
  readonly metadata: Readonly<Record<string, string>>;
  /** The model's bytes (weights): what its runs in flight default to (see {@link defaultRunsInFlight}). */
  readonly memoryBytes: number;
  readonly logger: Logger;
  /** Called once, when the handle is disposed. */
  readonly onDispose: (handle: ManagedModelHandle) => void;
}

/** onnxruntime's message for a Gather/GatherElements index outside the table (an id outside the vocabulary). */
const OUT_OF_BOUNDS = /indices element out of data bounds/;

/**
 * The onnx part of a handle: feeds to `ort.Tensor`s over the same arrays, `session.run`, outputs back. Everything
 * else (validation, output selection, abort, dispose state) is core's {@link ManagedModelHandle}.
 */
function onnxRunner(ort: OrtModule, session: Ort.InferenceSession, name: string, signature: ModelSignature): ModelRunner {
  return {
    async run(feeds: TensorMap, outputs: readonly string[]): Promise<Record<string, Tensor>> {
      const ortFeeds: Record<string, Ort.Tensor> = {};
      for (const spec of signature.inputs) ortFeeds[spec.name] = toOrtTensor(ort, spec.name, feeds[spec.name]!);
      let results: Ort.InferenceSession.ReturnType;
      try {
        results = await session.run(ortFeeds, outputs as string[]);
      } catch (error) {
        const message = cutText((error as Error)?.message ?? String(error), 2000);
        // A Gather index out of bounds comes from the feeds (a plain .onnx file declares no vocabulary to check them
        // against first): the caller's mistake, never something another backend would do better.
        const code = OUT_OF_BOUNDS.test(message) ? ErrorCode.INVALID_INPUT : ErrorCode.BACKEND_ERROR;
        throw new InferoxError(code, `onnx run of ${JSON.stringify(name)} failed: ${message}`, { cause: error, details: { model: name } });
      }
      const out: Record<string, Tensor> = {};
      for (const output of outputs) out[output] = fromOrtTensor(output, results[output]!);
      return out;
    },
    release: () => session.release(),
  };
}

/** A model loaded into an onnxruntime session, as core's managed handle over the onnx runner. */
export function createOnnxModelHandle(init: OnnxModelHandleInit): ManagedModelHandle {
  return new ManagedModelHandle({
    name: init.name,
    backend: 'onnx',
    device: init.device,
    signature: init.signature,
    metadata: init.metadata,
    memoryBytes: init.memoryBytes,
    runner: onnxRunner(init.ort, init.session, init.name, init.signature),
    runsInFlight: defaultRunsInFlight(init.memoryBytes),
    // A batch dimension is all onnxruntime needs to run stacked requests as one: the engine then batches by default.
    batchable: batchDimOf(init.signature) !== undefined,
    logger: init.logger,
    onDispose: init.onDispose,
  });
}

/**
 * The session's signature with the limits a checkpoint's architecture declares (value ranges, dim limits) added to
 * the inputs of the same name, so ids outside the vocabulary are refused before onnxruntime sees them.
 */
export function withDeclaredLimits(session: ModelSignature, declared: ModelSignature | undefined): ModelSignature {
  if (!declared) return session;
  const byName = new Map(declared.inputs.map((spec) => [spec.name, spec]));
  const inputs = session.inputs.map((spec): TensorSpec => {
    const limits = byName.get(spec.name);
    return limits ? { ...spec, ...(limits.dimLimits ? { dimLimits: limits.dimLimits } : {}), ...(limits.valueRange ? { valueRange: limits.valueRange } : {}) } : spec;
  });
  return { inputs, outputs: session.outputs };
}

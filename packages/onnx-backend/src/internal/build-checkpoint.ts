import { ErrorCode, InferoxError, throwIfAborted } from '@inferox/core';
import { architectureRegistry } from '../architecture-registry';
import { OnnxGraphBuilder } from '../onnx-graph-builder';
import { readCheckpoint } from './checkpoint';

/** A checkpoint written as an ONNX model. */
export interface BuiltCheckpoint {
  readonly bytes: Uint8Array;
  readonly modelType: string;
  /** Bytes of the weights (float32), for memory estimates. */
  readonly weightBytes: number;
}

/**
 * Reads a Hugging Face checkpoint folder and writes its ONNX model with the registered architecture.
 *
 * @throws InferoxError `PACKAGE_INVALID` (unknown `model_type`, bad config field, missing/misshapen weight, bad
 * files), `CANCELLED`.
 */
export async function buildCheckpoint(dir: string, options: { readonly opset?: number; readonly signal?: AbortSignal } = {}): Promise<BuiltCheckpoint> {
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < 17 || opset > 26) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `opset must be an integer from 17 (LayerNormalization) to 26, got ${String(opset)}`, { details: { option: 'opset' } });
  }
  const checkpoint = await readCheckpoint(dir, options.signal);
  const architecture = architectureRegistry.get(checkpoint.modelType);
  if (!architecture) {
    throw new InferoxError(
      ErrorCode.PACKAGE_INVALID,
      `${checkpoint.configPath}: model_type ${JSON.stringify(checkpoint.modelType)} has no ONNX architecture; supported: ${[...architectureRegistry.keys()].join(', ')}`,
      { details: { file: checkpoint.configPath, field: 'model_type' } },
    );
  }
  const graph = new OnnxGraphBuilder({
    name: checkpoint.modelType,
    opset,
    metadata: { architecture: checkpoint.modelType, source: 'inferox hf checkpoint' },
  });
  architecture.build(checkpoint, graph);
  throwIfAborted(options.signal, `building ${checkpoint.modelType} from ${dir}`);
  const bytes = graph.toBytes();
  return { bytes, modelType: checkpoint.modelType, weightBytes: bytes.length };
}

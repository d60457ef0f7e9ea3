import { ErrorCode, InferoxError, type ModelSignature, throwIfAborted } from '@inferox/core';
import { architectureFor, readCheckpoint } from '@inferox/hf-checkpoint';
import { OnnxGraphBuilder } from '../onnx-graph-builder';
import { GRAPH_WRITERS } from './graph-writers';

/** A checkpoint written as an ONNX model. */
export interface BuiltCheckpoint {
  readonly bytes: Uint8Array;
  readonly modelType: string;
  /** Bytes of the weights (float32), for memory estimates. */
  readonly weightBytes: number;
  /** The architecture's signature, with the limits its config gives (vocabulary, positions). */
  readonly signature: ModelSignature;
}

/**
 * Reads a Hugging Face checkpoint folder with `@inferox/hf-checkpoint` and writes its ONNX model with the graph
 * writer of its `model_type`.
 *
 * @throws InferoxError `PACKAGE_INVALID` (a `model_type` the onnx backend does not build, bad config field,
 * missing/misshapen weight, bad files), `CANCELLED`.
 */
export async function buildCheckpoint(dir: string, options: { readonly opset?: number; readonly signal?: AbortSignal } = {}): Promise<BuiltCheckpoint> {
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < 17 || opset > 26) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `opset must be an integer from 17 (LayerNormalization) to 26, got ${String(opset)}`, { details: { option: 'opset' } });
  }
  const checkpoint = await readCheckpoint(dir, options.signal ? { signal: options.signal } : {});
  const architecture = architectureFor(checkpoint.config, 'onnx');
  const { modelType } = architecture;
  const graph = new OnnxGraphBuilder({ name: modelType, opset, metadata: { architecture: modelType, source: 'inferox hf checkpoint' } });
  GRAPH_WRITERS[modelType]!(checkpoint, graph);
  throwIfAborted(options.signal, `building ${modelType} from ${dir}`);
  const bytes = graph.toBytes();
  const signature = architecture.signature(architecture.parseConfig(checkpoint.config), checkpoint.weights);
  return { bytes, modelType, weightBytes: bytes.length, signature };
}

import type { Checkpoint } from '@inferox/hf-checkpoint';
import type { OnnxGraphBuilder } from '../onnx-graph-builder';
import { writeBertGraph } from './bert-graph';
import { writeMlpGraph } from './mlp-graph';

/** Writes a checkpoint's graph into `graph`. */
export type GraphWriter = (checkpoint: Checkpoint, graph: OnnxGraphBuilder) => void;

/**
 * The graph writer of every `model_type` that `@inferox/hf-checkpoint`'s architecture table says the onnx backend
 * builds (a test checks the two agree).
 */
export const GRAPH_WRITERS: Readonly<Record<string, GraphWriter>> = { bert: writeBertGraph, 'inferox-mlp': writeMlpGraph };

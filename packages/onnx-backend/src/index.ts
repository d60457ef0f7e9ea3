/**
 * @packageDocumentation
 * onnxruntime-node behind the Inferox {@link Backend} contract: `.onnx` files (with external data), ONNX bytes, and
 * Hugging Face checkpoints (`bert`, `inferox-mlp`) written as ONNX graphs in memory by a small protobuf writer.
 * Checkpoints are read with `@inferox/hf-checkpoint`. Depends on `@inferox/core`, `@inferox/hf-checkpoint` and
 * `onnxruntime-node`; importing it has no side effect.
 */
export { createOnnxBackend } from './create-onnx-backend';
export type { OnnxBackend, OnnxBackendOptions, OnnxLoadModelOptions } from './create-onnx-backend';
export type { OnnxSessionOptions } from './onnx-session-options';
export { exportOnnx } from './export-onnx';
export type { ExportOnnxOptions } from './export-onnx';
export { OnnxGraphBuilder } from './onnx-graph-builder';
export type { OnnxAttribute, OnnxGraphBuilderOptions, OnnxModelWithExternalData, OnnxNodeOptions } from './onnx-graph-builder';

/**
 * @packageDocumentation
 * TensorFlow.js behind the Inferox `Backend` contract: runtimes node-gpu, node, wasm and cpu (chosen at `init`),
 * TF.js GraphModel and LayersModel folders read from disk, and Hugging Face checkpoints (`bert`, `inferox-mlp`) built
 * from tfjs ops with safetensors weights.
 */
export { createTfjsBackend } from './create-tfjs-backend';
export type { TfjsBackend, TfjsLoadModelOptions } from './tfjs-backend';
export type { TfjsBackendOptions } from './tfjs-backend-options';
export { TFJS_RUNTIMES } from './tfjs-runtime';
export type { TfjsRuntime, TfjsRuntimeOption } from './tfjs-runtime';
export { TFJS_HF_MODEL_TYPES } from './tfjs-hf-model-types';

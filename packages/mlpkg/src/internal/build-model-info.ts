import { architectureFamilyOf } from '../architecture-family';
import type { BackendEntry, BackendVariant, PackageModelInfo } from '../package-model-info';
import { isInferoxError } from '@inferox/core';
import { CHECKPOINT_ARCHITECTURES, type CheckpointArchitecture, tensorLookup, tensorPrefix } from '@inferox/hf-checkpoint';
import type { CheckpointPlan } from './scan-checkpoint';

/** Runtime overhead added to the weight bytes for `estimated_bytes` (buffers, activations at small batches). */
export const MEMORY_OVERHEAD = 1.25;

function positiveInt(config: Readonly<Record<string, unknown>>, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = config[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  return null;
}

/**
 * The signature the backends build from the checkpoint's weights, or null when its config is not one the
 * architecture can read (the package still lists the backends; loading names the bad field).
 */
function weightsSignature(architecture: CheckpointArchitecture, plan: CheckpointPlan): BackendVariant['signature'] {
  let config: unknown;
  try {
    config = architecture.parseConfig(plan.checkpointConfig);
  } catch (error) {
    if (isInferoxError(error)) return null;
    throw error;
  }
  const names = new Set(plan.weights!.tensors.keys());
  const { inputs, outputs } = architecture.signature(config, tensorLookup(names, tensorPrefix(names, architecture.anchorTensor)));
  return { inputs: [...inputs], outputs: [...outputs] };
}

/** Builds `model_info.json` for what pack found. */
export function buildModelInfo(plan: CheckpointPlan): PackageModelInfo {
  const hidden = positiveInt(plan.config, 'hidden_size', 'n_embd', 'd_model', 'dim');
  const backends: Record<string, BackendEntry> = {};
  const add = (backend: string, variant: BackendVariant): void => {
    const entry = backends[backend];
    if (entry) entry.variants.push(variant);
    else backends[backend] = { default_variant: variant.name, variants: [variant] };
  };
  if (plan.onnx) add('onnx', { name: 'graph', format: 'onnx', path: plan.onnx.path, files: plan.onnx.files, signature: plan.onnx.signature });
  if (plan.tfjs) add('tfjs', { name: 'graph', format: plan.tfjs.format, path: plan.tfjs.path, files: plan.tfjs.files, signature: null });
  // The backends that build this model_type from its weights, and what they build, come from the one architecture
  // table of @inferox/hf-checkpoint (pooler_output only when the checkpoint has a pooler, for instance).
  const architecture = CHECKPOINT_ARCHITECTURES.get(plan.modelType);
  if (plan.weights && architecture) {
    const signature = weightsSignature(architecture, plan);
    for (const backend of architecture.backends) {
      add(backend, { name: 'weights', format: 'hf-checkpoint', path: 'weights', files: plan.weights.files, signature });
    }
  }
  const weightsBytes = plan.weights?.dataBytes ?? plan.onnx?.bytes ?? plan.tfjs?.bytes ?? 0;
  return {
    model_type: plan.modelType,
    architecture_family: architectureFamilyOf(plan.modelType),
    architectures: plan.architectures,
    supported_backends: Object.keys(backends),
    backends,
    hidden_size: hidden,
    num_layers: positiveInt(plan.config, 'num_hidden_layers', 'n_layer', 'num_layers', 'n_layers'),
    vocab_size: positiveInt(plan.config, 'vocab_size'),
    memory_estimate: {
      parameters: plan.weights?.parameters ?? null,
      weights_bytes: weightsBytes,
      dtype: plan.weights?.dtype ?? null,
      estimated_bytes: Math.ceil(weightsBytes * MEMORY_OVERHEAD),
    },
    tokenizer: plan.tokenizer ? { files: plan.tokenizer } : null,
  };
}

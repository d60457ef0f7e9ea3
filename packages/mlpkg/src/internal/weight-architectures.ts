import type { TensorSpec } from '@inferox/core';

/** A model_type some backends build natively from config.json + safetensors. */
interface WeightArchitecture {
  /** Backends that build it, in preference order. */
  readonly backends: readonly string[];
  /** The signature of the built model, when known. */
  signature(hiddenSize: number | null): { inputs: TensorSpec[]; outputs: TensorSpec[] } | null;
}

const SEQ = ['batch', 'sequence'];

/** model_type → which backends build it from weights (the onnx and tfjs backends' native architectures). */
export const WEIGHT_ARCHITECTURES: Readonly<Record<string, WeightArchitecture>> = {
  bert: {
    backends: ['onnx', 'tfjs'],
    signature: (hidden) => ({
      inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({ name, dtype: 'int64', shape: SEQ })),
      outputs: [
        { name: 'last_hidden_state', dtype: 'float32', shape: [...SEQ, hidden] },
        { name: 'pooler_output', dtype: 'float32', shape: ['batch', hidden] },
      ],
    }),
  },
  'inferox-mlp': { backends: ['onnx', 'tfjs'], signature: () => null },
};

/** @returns the backends that build `modelType` from weights (empty for any other type). */
export function weightBackends(modelType: string): readonly string[] {
  return Object.hasOwn(WEIGHT_ARCHITECTURES, modelType) ? WEIGHT_ARCHITECTURES[modelType]!.backends : [];
}

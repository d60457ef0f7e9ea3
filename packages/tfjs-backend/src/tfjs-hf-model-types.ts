import { modelTypesBuiltBy } from '@inferox/hf-checkpoint';

/**
 * The Hugging Face `model_type`s the tfjs backend builds from a checkpoint folder (`bert`, `inferox-mlp`), as
 * `@inferox/hf-checkpoint`'s architecture table lists them.
 */
export const TFJS_HF_MODEL_TYPES: readonly string[] = Object.freeze(modelTypesBuiltBy('tfjs'));

import { HF_ARCHITECTURES } from './internal/hf/architectures';

/** The Hugging Face `model_type`s the tfjs backend builds from a checkpoint folder (`bert`, `inferox-mlp`). */
export const TFJS_HF_MODEL_TYPES: readonly string[] = Object.freeze([...HF_ARCHITECTURES.keys()]);

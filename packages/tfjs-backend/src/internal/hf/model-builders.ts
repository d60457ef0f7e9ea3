import { buildBert } from './bert';
import { buildInferoxMlp } from './inferox-mlp';
import type { ModelBuilder } from './model-builder';

/**
 * The builder of every `model_type` that `@inferox/hf-checkpoint`'s architecture table says the tfjs backend builds
 * (a test checks the two agree).
 */
export const MODEL_BUILDERS: Readonly<Record<string, ModelBuilder>> = { bert: buildBert, 'inferox-mlp': buildInferoxMlp };

import { bertArchitecture } from './bert';
import type { HfArchitecture } from './hf-architecture';
import { inferoxMlpArchitecture } from './inferox-mlp';

/** The architectures built from Hugging Face checkpoints, by `config.json`'s `model_type`. */
export const HF_ARCHITECTURES: ReadonlyMap<string, HfArchitecture> = new Map([bertArchitecture, inferoxMlpArchitecture].map((a) => [a.modelType, a]));

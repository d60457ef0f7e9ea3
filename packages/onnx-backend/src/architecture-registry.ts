import type { Architecture } from './architecture';
import { bertArchitecture } from './internal/bert-architecture';
import { mlpArchitecture } from './internal/mlp-architecture';

/**
 * The architectures the ONNX backend builds from Hugging Face checkpoints, keyed by `config.json`'s `model_type`:
 * `bert` (`BertModel`) and `inferox-mlp`. Read-only: the registry is fixed so a worker thread rebuilds the same
 * backend from its options.
 */
export const architectureRegistry: ReadonlyMap<string, Architecture> = new Map([
  [bertArchitecture.modelType, bertArchitecture],
  [mlpArchitecture.modelType, mlpArchitecture],
]);

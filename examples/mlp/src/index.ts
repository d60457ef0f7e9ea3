export { BATCH_SIZES, MLPS, runMlpExample } from './mlp-example';
export type { MlpExampleOptions, MlpRow } from './mlp-example';
export { referenceMlp, writeMlpCheckpoint } from './write-mlp-checkpoint';
export type { MlpShape } from './write-mlp-checkpoint';

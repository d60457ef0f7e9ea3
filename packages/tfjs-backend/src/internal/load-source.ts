import { ErrorCode, InferoxError, throwIfAborted } from '@inferox/core';
import { withEngineLock } from './engine-lock';
import { HF_ARCHITECTURES } from './hf/architectures';
import type { BuiltModel } from './hf/hf-architecture';
import { readCheckpoint } from './hf/read-checkpoint';
import type { ResolvedSource } from './resolve-source';
import type { Tf } from './tf-module';
import { loadTfjsModel } from './tfjs/load-tfjs-model';
import { readTfjsModelFolder } from './tfjs/read-model-folder';

/**
 * Reads a resolved source from disk and builds it into tfjs tensors on the active runtime. The tensors are made
 * under the engine lock: an asynchronous graph run holds a tfjs scope open while it waits, and weights made inside
 * that scope would be freed when the run ends.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the file, field or tensor; `CANCELLED`.
 */
export async function loadSource(tf: Tf, source: ResolvedSource, signal?: AbortSignal): Promise<BuiltModel> {
  if (source.kind === 'hf-checkpoint') {
    const checkpoint = await readCheckpoint(source.dir, signal);
    const modelType = checkpoint.config.model_type;
    const architecture = typeof modelType === 'string' ? HF_ARCHITECTURES.get(modelType) : undefined;
    if (!architecture) {
      throw new InferoxError(
        ErrorCode.PACKAGE_INVALID,
        `${checkpoint.configFile}: model_type ${JSON.stringify(modelType)} is not one the tfjs backend builds (${[...HF_ARCHITECTURES.keys()].join(', ')})`,
        { details: { file: checkpoint.configFile, field: 'model_type', given: modelType } },
      );
    }
    const built = await withEngineLock(() => {
      throwIfAborted(signal, `loading ${source.dir}`);
      return architecture.build(tf, checkpoint);
    });
    return { ...built, metadata: { ...built.metadata, format: 'hf-checkpoint', weights: checkpoint.files.join(',') } };
  }
  const files = await readTfjsModelFolder(source.modelJson, signal);
  if (source.expect && source.expect !== files.kind) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${source.modelJson} holds a ${files.kind} model, not the ${source.expect} model its format says`, {
      details: { file: source.modelJson, expected: source.expect, given: files.kind },
    });
  }
  return withEngineLock(() => {
    throwIfAborted(signal, `loading ${source.modelJson}`);
    return loadTfjsModel(tf, source.modelJson, files);
  });
}

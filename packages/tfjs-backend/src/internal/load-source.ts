import { ErrorCode, InferoxError, throwIfAborted } from '@inferox/core';
import { withEngineLock } from './engine-lock';
import { architectureFor, readCheckpoint } from '@inferox/hf-checkpoint';
import type { BuiltModel } from './hf/model-builder';
import { MODEL_BUILDERS } from './hf/model-builders';
import type { TfjsSource } from './tfjs-source';
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
export async function loadSource(tf: Tf, source: TfjsSource, signal?: AbortSignal): Promise<BuiltModel> {
  if (source.kind === 'hf-checkpoint') {
    const checkpoint = await readCheckpoint(source.dir, signal ? { signal } : {});
    const { modelType } = architectureFor(checkpoint.config, 'tfjs');
    const built = await withEngineLock(() => {
      throwIfAborted(signal, `loading ${source.dir}`);
      return MODEL_BUILDERS[modelType]!(tf, checkpoint);
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

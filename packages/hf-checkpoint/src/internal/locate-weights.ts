import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, InferoxError } from '@inferox/core';
import { SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE } from '../constants';
import { type SafetensorsIndex, readSafetensorsIndex } from '../safetensors-index';
import { describeValue } from './describe-value';
import { isMissing } from './fs-error';

/** Where a checkpoint's weights are: one file, or shards listed by an index. */
export type WeightFiles = { readonly kind: 'single'; readonly file: string } | { readonly kind: 'sharded'; readonly index: SafetensorsIndex };

/** Whether something is at `path` (a link loop or a FIFO counts: its reader then says what is wrong). */
async function present(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    return !isMissing(error);
  }
}

/**
 * Finds a checkpoint's weights as transformers does: `model.safetensors` first, then
 * `model.safetensors.index.json`.
 *
 * @returns undefined when there are neither.
 */
export async function locateWeights(dir: string, signal?: AbortSignal): Promise<WeightFiles | undefined> {
  if (await present(join(dir, SAFETENSORS_FILE))) return { kind: 'single', file: join(dir, SAFETENSORS_FILE) };
  if (await present(join(dir, SAFETENSORS_INDEX_FILE))) return { kind: 'sharded', index: await readSafetensorsIndex(dir, signal ? { signal } : {}) };
  return undefined;
}

/** The error for a checkpoint folder without weights. */
export function noWeights(dir: string): InferoxError {
  return new InferoxError(ErrorCode.PACKAGE_INVALID, `${dir}: has neither ${SAFETENSORS_FILE} nor ${SAFETENSORS_INDEX_FILE}`, { details: { file: dir } });
}

/** Re-labels a shard's read error so it says which index listed the shard. */
export function shardError(index: SafetensorsIndex, shard: string, error: unknown): unknown {
  if (!(error instanceof InferoxError) || error.code !== ErrorCode.PACKAGE_INVALID) return error;
  return new InferoxError(ErrorCode.PACKAGE_INVALID, `${index.file}: shard ${describeValue(shard)}: ${error.message}`, {
    cause: error,
    details: { ...error.details, index: index.file, shard },
  });
}

/** The error for a tensor an index puts in a shard that does not hold it. */
export function notInShard(index: SafetensorsIndex, shardFile: string, tensor: string): InferoxError {
  return new InferoxError(ErrorCode.PACKAGE_INVALID, `${shardFile}: tensor ${describeValue(tensor)} listed in ${SAFETENSORS_INDEX_FILE} is not in the shard`, {
    details: { file: shardFile, tensor, index: index.file },
  });
}

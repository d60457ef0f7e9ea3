import { join } from 'node:path';
import { type SafetensorsTensorInfo, throwIfAborted } from '@inferox/core';
import { SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE } from './constants';
import { locateWeights, notInShard, shardError } from './internal/locate-weights';
import { readSafetensorsHeader } from './read-safetensors-header';

/** A tensor as a header describes it, and its file. */
export interface InventoryTensor {
  readonly info: SafetensorsTensorInfo;
  /** The absolute path of its file. */
  readonly file: string;
}

/** A checkpoint's weights read from the safetensors headers only (no tensor data). */
export interface WeightInventory {
  /** The weight files relative to the folder: `model.safetensors`, or the sorted shards and the index. */
  readonly files: readonly string[];
  /** Every tensor by name (for a sharded checkpoint: the ones the index lists). */
  readonly tensors: ReadonlyMap<string, InventoryTensor>;
  /** Elements over all tensors. */
  readonly parameters: number;
  /** Bytes of tensor data over all files. */
  readonly dataBytes: number;
  /** The dtype holding the most bytes (`F32`, `BF16`, ...), or null when there are no tensors. */
  readonly dtype: string | null;
}

/**
 * Reads the weights' headers of a checkpoint folder (single file or index + shards) with the same checks as
 * `readCheckpoint`, without reading tensor data: what a packer needs (files, parameters, bytes, names).
 *
 * @returns undefined when the folder has neither `model.safetensors` nor an index.
 * @throws InferoxError `PACKAGE_INVALID` naming the file; `CANCELLED`.
 */
export async function readWeightInventory(dir: string, options: { readonly signal?: AbortSignal } = {}): Promise<WeightInventory | undefined> {
  const { signal } = options;
  const located = await locateWeights(dir, signal);
  if (!located) return undefined;
  const tensors = new Map<string, InventoryTensor>();
  let files: string[];
  if (located.kind === 'single') {
    files = [SAFETENSORS_FILE];
    for (const [name, info] of (await readSafetensorsHeader(located.file, options)).tensors) tensors.set(name, { info, file: located.file });
  } else {
    const { index } = located;
    files = [...index.shards, SAFETENSORS_INDEX_FILE];
    const headers = new Map<string, ReadonlyMap<string, SafetensorsTensorInfo>>();
    for (const shard of index.shards) {
      throwIfAborted(signal, `reading ${dir}`);
      try {
        headers.set(shard, (await readSafetensorsHeader(join(dir, shard), options)).tensors);
      } catch (error) {
        throw shardError(index, shard, error);
      }
    }
    for (const [name, shard] of index.weightMap) {
      const info = headers.get(shard)!.get(name);
      if (!info) throw notInShard(index, join(dir, shard), name);
      tensors.set(name, { info, file: join(dir, shard) });
    }
  }
  let parameters = 0;
  let dataBytes = 0;
  const byDtype = new Map<string, number>();
  for (const { info } of tensors.values()) {
    const bytes = info.dataOffsets[1] - info.dataOffsets[0];
    parameters += info.shape.reduce((a, b) => a * b, 1);
    dataBytes += bytes;
    byDtype.set(info.fileDtype, (byDtype.get(info.fileDtype) ?? 0) + bytes);
  }
  const dtype = [...byDtype].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  return { files, tensors, parameters, dataBytes, dtype };
}

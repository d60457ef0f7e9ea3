import { join } from 'node:path';
import { ErrorCode, InferoxError } from '@inferox/core';
import { z } from 'zod';
import { MAX_INDEX_BYTES, MAX_WEIGHT_MAP_ENTRIES, SAFETENSORS_INDEX_FILE } from './constants';
import { describeValue } from './internal/describe-value';
import { shardNameProblem } from './internal/shard-name';
import { readCheckpointJson } from './read-checkpoint-file';

/** A checked `model.safetensors.index.json`. */
export interface SafetensorsIndex {
  /** The index file's path. */
  readonly file: string;
  /** Tensor name → shard file name (relative to the checkpoint folder), in file order. */
  readonly weightMap: ReadonlyMap<string, string>;
  /** The distinct shard names, sorted. */
  readonly shards: readonly string[];
}

const indexSchema = z.looseObject({ weight_map: z.record(z.string(), z.string()) });

/**
 * Checks a parsed index: a `weight_map` object of tensor name → shard name, at most
 * {@link MAX_WEIGHT_MAP_ENTRIES} entries, every shard name inside the checkpoint folder.
 *
 * @param file - the index path, for messages.
 * @throws InferoxError `PACKAGE_INVALID` naming the file (and the tensor and shard name when one escapes).
 */
export function parseSafetensorsIndex(raw: Readonly<Record<string, unknown>>, file: string): SafetensorsIndex {
  const parsed = indexSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${file}: weight_map must be an object of tensor name → shard file name`, { details: { file } });
  }
  const entries = Object.entries(parsed.data.weight_map);
  if (entries.length > MAX_WEIGHT_MAP_ENTRIES) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${file}: weight_map has ${entries.length} entries, over the limit of ${MAX_WEIGHT_MAP_ENTRIES}`, {
      details: { file, entries: entries.length, limit: MAX_WEIGHT_MAP_ENTRIES },
    });
  }
  for (const [tensor, shard] of entries) {
    const problem = shardNameProblem(shard);
    if (problem) {
      throw new InferoxError(
        ErrorCode.PACKAGE_INVALID,
        `${file}: tensor ${describeValue(tensor)} maps to shard ${describeValue(shard)}, which is not a file inside the checkpoint folder: ${problem}`,
        { details: { file, tensor, shard } },
      );
    }
  }
  return { file, weightMap: new Map(entries), shards: [...new Set(entries.map(([, shard]) => shard))].sort() };
}

/**
 * Reads `model.safetensors.index.json` from a checkpoint folder (at most {@link MAX_INDEX_BYTES}).
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the file; `CANCELLED`.
 */
export async function readSafetensorsIndex(dir: string, options: { readonly signal?: AbortSignal } = {}): Promise<SafetensorsIndex> {
  const file = join(dir, SAFETENSORS_INDEX_FILE);
  return parseSafetensorsIndex(await readCheckpointJson(file, { maxBytes: MAX_INDEX_BYTES, ...(options.signal ? { signal: options.signal } : {}) }), file);
}

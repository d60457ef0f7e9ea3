import { stat } from 'node:fs/promises';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { ErrorCode, InferoxError, parseSafetensors, throwIfAborted } from '@inferox/core';
import { readSourceFile, readSourceJson } from '../read-source-file';
import { CheckpointWeights, type LocatedEntry } from './checkpoint-weights';

/** A Hugging Face checkpoint folder: its config and its weights. */
export interface Checkpoint {
  readonly dir: string;
  readonly configFile: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly weights: CheckpointWeights;
  /** The safetensors files read, relative to `dir`. */
  readonly files: readonly string[];
}

const SINGLE = 'model.safetensors';
const INDEX = 'model.safetensors.index.json';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function shardPath(dir: string, indexFile: string, file: unknown, tensor: string): string {
  const full = typeof file === 'string' && file !== '' ? resolve(dir, file) : undefined;
  const rel = full === undefined ? '..' : relative(dir, full);
  if (full === undefined || rel.startsWith('..') || isAbsolute(rel)) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${indexFile}: tensor ${JSON.stringify(tensor)} maps to ${JSON.stringify(file)}, which is not a file inside ${dir}`, {
      details: { tensor, file: indexFile },
    });
  }
  return full;
}

async function readSharded(dir: string, signal: AbortSignal | undefined): Promise<{ entries: Map<string, LocatedEntry>; files: string[] }> {
  const indexFile = join(dir, INDEX);
  const index = await readSourceJson(indexFile, signal);
  const weightMap = index.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${indexFile} has no "weight_map" object`, { details: { file: indexFile } });
  }
  const byShard = new Map<string, string[]>();
  for (const [tensor, file] of Object.entries(weightMap as Record<string, unknown>)) {
    const path = shardPath(dir, indexFile, file, tensor);
    byShard.set(path, [...(byShard.get(path) ?? []), tensor]);
  }
  const entries = new Map<string, LocatedEntry>();
  for (const [path, tensors] of byShard) {
    throwIfAborted(signal, `loading ${dir}`);
    const parsed = parseSafetensors(await readSourceFile(path, signal), path);
    for (const tensor of tensors) {
      const entry = parsed.tensors.get(tensor);
      if (!entry) {
        throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${indexFile} puts tensor ${JSON.stringify(tensor)} in ${path}, which does not hold it`, {
          details: { tensor, file: path },
        });
      }
      entries.set(tensor, { entry, file: path });
    }
  }
  return { entries, files: [...byShard.keys()].map((p) => relative(dir, p)) };
}

/**
 * Reads a Hugging Face checkpoint folder: `config.json` and either `model.safetensors` or the shards listed by
 * `model.safetensors.index.json`.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the file (missing config or weights, bad JSON, bad safetensors, an
 * index entry pointing to a shard that lacks the tensor); `CANCELLED`.
 */
export async function readCheckpoint(dir: string, signal?: AbortSignal): Promise<Checkpoint> {
  const configFile = join(dir, 'config.json');
  const config = await readSourceJson(configFile, signal);
  throwIfAborted(signal, `loading ${dir}`);
  if (await exists(join(dir, INDEX))) {
    const { entries, files } = await readSharded(dir, signal);
    return { dir, configFile, config, weights: new CheckpointWeights(entries, dir), files };
  }
  const single = join(dir, SINGLE);
  if (!(await exists(single))) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `checkpoint ${dir} has neither ${SINGLE} nor ${INDEX}`, { details: { checkpoint: dir } });
  }
  const parsed = parseSafetensors(await readSourceFile(single, signal), single);
  const entries = new Map<string, LocatedEntry>();
  for (const [name, entry] of parsed.tensors) entries.set(name, { entry, file: single });
  return { dir, configFile, config, weights: new CheckpointWeights(entries, dir), files: [SINGLE] };
}

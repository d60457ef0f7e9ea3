import { join } from 'node:path';
import { parseSafetensors, throwIfAborted } from '@inferox/core';
import { CHECKPOINT_ARCHITECTURES, type CheckpointArchitecture } from './architectures';
import { type CheckpointConfig, readCheckpointConfig } from './checkpoint-config';
import { CheckpointWeights, type LocatedEntry } from './checkpoint-weights';
import { locateWeights, noWeights, notInShard, shardError } from './internal/locate-weights';
import { SAFETENSORS_FILE } from './constants';
import { readCheckpointFile } from './read-checkpoint-file';
import { tensorPrefix } from './tensor-lookup';

/** A Hugging Face checkpoint folder read for building: its config and its weights in memory. */
export interface Checkpoint {
  readonly dir: string;
  readonly config: CheckpointConfig;
  /** The architecture of `config.modelType`, when Inferox has one. */
  readonly architecture: CheckpointArchitecture | undefined;
  /** The weights, looked up under the task-head prefix of the architecture. */
  readonly weights: CheckpointWeights;
  /** The safetensors files read, relative to `dir`. */
  readonly files: readonly string[];
}

/**
 * Reads a checkpoint folder whole: `config.json` and either `model.safetensors` or the shards listed by
 * `model.safetensors.index.json` (every shard name checked to stay in the folder, every listed tensor checked to be
 * in its shard). Only regular files are read.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the file (missing or non-regular config or weights, bad JSON, bad
 * index, bad safetensors, a shard that lacks a listed tensor); `CANCELLED`.
 * @example
 * ```ts
 * const { config, weights } = await readCheckpoint('fixtures/tiny-bert-hf');
 * const bert = BERT_ARCHITECTURE.parseConfig(config);
 * const words = weights.float32('embeddings.word_embeddings.weight', [bert.vocabSize, bert.hiddenSize]);
 * ```
 */
export async function readCheckpoint(dir: string, options: { readonly signal?: AbortSignal } = {}): Promise<Checkpoint> {
  const { signal } = options;
  const read = signal ? { signal } : {};
  const config = await readCheckpointConfig(dir, read);
  const located = await locateWeights(dir, signal);
  if (!located) throw noWeights(dir);
  const entries = new Map<string, LocatedEntry>();
  let source: string;
  let files: string[];
  if (located.kind === 'single') {
    source = located.file;
    files = [SAFETENSORS_FILE];
    for (const [name, entry] of parseSafetensors(await readCheckpointFile(located.file, read), located.file).tensors) entries.set(name, { entry, file: located.file });
  } else {
    const { index } = located;
    source = index.file;
    files = [...index.shards];
    const byShard = new Map<string, string[]>();
    for (const [tensor, shard] of index.weightMap) byShard.set(shard, [...(byShard.get(shard) ?? []), tensor]);
    for (const shard of index.shards) {
      throwIfAborted(signal, `reading ${dir}`);
      const file = join(dir, shard);
      let tensors;
      try {
        tensors = parseSafetensors(await readCheckpointFile(file, read), file).tensors;
      } catch (error) {
        throw shardError(index, shard, error);
      }
      for (const tensor of byShard.get(shard)!) {
        const entry = tensors.get(tensor);
        if (!entry) throw notInShard(index, file, tensor);
        entries.set(tensor, { entry, file });
      }
    }
  }
  throwIfAborted(signal, `reading ${dir}`);
  const architecture = CHECKPOINT_ARCHITECTURES.get(config.modelType);
  const prefix = architecture ? tensorPrefix(entries.keys(), architecture.anchorTensor) : '';
  return { dir, config, architecture, weights: new CheckpointWeights(entries, source, prefix), files };
}

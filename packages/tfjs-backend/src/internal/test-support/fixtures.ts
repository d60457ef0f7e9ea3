import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Tensor, type TensorMap } from '@inferox/core';

/** The tiny BERT checkpoint shared by every package. */
export const TINY_BERT = resolve(import.meta.dirname, '../../../../../fixtures/tiny-bert-hf');

/** reference.json of the tiny BERT fixture. */
export interface BertReference {
  readonly inputs: Readonly<Record<'input_ids' | 'attention_mask' | 'token_type_ids', number[][]>>;
  readonly last_hidden_state: number[][][];
  readonly pooler_output: number[][];
}

let reference: Promise<BertReference> | undefined;

/** Reads reference.json once. */
export function bertReference(): Promise<BertReference> {
  reference ??= readFile(join(TINY_BERT, 'reference.json'), 'utf8').then((text) => JSON.parse(text) as BertReference);
  return reference;
}

/** The reference inputs as int64 feeds (a new map each call). */
export function bertFeeds(ref: BertReference): TensorMap {
  const feeds: Record<string, Tensor> = {};
  for (const [name, rows] of Object.entries(ref.inputs)) {
    feeds[name] = Tensor.from('int64', rows.flat().map(BigInt), [rows.length, rows[0]!.length]);
  }
  return feeds;
}

/** A fresh temp folder and a function removing it. */
export async function tempDir(prefix = 'inferox-tfjs-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

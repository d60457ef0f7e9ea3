/**
 * Test support for the real-backend tests: the tiny BERT fixture and its reference, and a writer of small
 * `inferox-mlp` checkpoints (config.json + model.safetensors) into a folder.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Tensor, type TensorMap, serializeSafetensors } from '@inferox/core';
import { type BertReference, bertReferenceFeeds } from '@inferox/core/testing';

/** The tiny BERT checkpoint folder (config.json, model.safetensors, model.onnx, reference.json). */
export const BERT_DIR = resolve(import.meta.dirname, '../../../fixtures/tiny-bert-hf');

/** The fixture's reference inputs and eager PyTorch outputs (check outputs with core/testing's expectBertReference). */
export const BERT_REFERENCE = JSON.parse(readFileSync(join(BERT_DIR, 'reference.json'), 'utf8')) as BertReference;

/** Feeds for the reference rows `[from, to)` (int64, [rows, 12]). */
export function bertFeeds(from = 0, to = 3): TensorMap {
  return bertReferenceFeeds(BERT_REFERENCE, [from, to]);
}

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes an `inferox-mlp` checkpoint (`layer_sizes` 10→8→8→3, relu, seeded weights) into `dir`; returns `dir`. */
export async function writeMlp(dir: string, seed = 1, layerSizes: readonly number[] = [10, 8, 8, 3]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const next = random(seed);
  const tensors: Record<string, { dtype: 'float32'; shape: number[]; bytes: Uint8Array }> = {};
  for (let i = 0; i < layerSizes.length - 1; i++) {
    const [inSize, outSize] = [layerSizes[i]!, layerSizes[i + 1]!];
    const weight = Float32Array.from({ length: outSize * inSize }, () => next() - 0.5);
    const bias = Float32Array.from({ length: outSize }, () => next() - 0.5);
    tensors[`layers.${i}.weight`] = { dtype: 'float32', shape: [outSize, inSize], bytes: new Uint8Array(weight.buffer) };
    tensors[`layers.${i}.bias`] = { dtype: 'float32', shape: [outSize], bytes: new Uint8Array(bias.buffer) };
  }
  await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'inferox-mlp', layer_sizes: layerSizes, hidden_act: 'relu' }));
  await writeFile(join(dir, 'model.safetensors'), serializeSafetensors(tensors));
  return dir;
}

/** Feeds for an inferox-mlp: `input` float32 [rows, width] with values derived from `v`. */
export function mlpFeeds(v: number, rows = 1, width = 10): TensorMap {
  return { input: Tensor.from('float32', Float32Array.from({ length: rows * width }, (_, i) => Math.sin(v + i)), [rows, width]) };
}

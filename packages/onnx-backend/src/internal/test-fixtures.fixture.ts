// Test-only helpers (excluded from coverage and from the build): the tiny BERT fixture and tiny checkpoints.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BertReference, bertReferenceFeeds } from '@inferox/core/testing';
import { type DType, type TensorMap, numberToBfloat16Bits, numberToFloat16Bits, serializeSafetensors } from '@inferox/core';

/** The real BERT fixture folder. */
export const BERT_DIR = resolve(import.meta.dirname, '../../../../fixtures/tiny-bert-hf');

/** reference.json, parsed once. */
export const reference = JSON.parse(readFileSync(join(BERT_DIR, 'reference.json'), 'utf8')) as BertReference;

/** The reference feeds as int64 tensors (a new map each call). */
export function bertFeeds(): TensorMap {
  return bertReferenceFeeds(reference);
}

/** The expected outputs, flat. */
export const expectedHidden = reference.last_hidden_state.flat(2);
export const expectedPooler = reference.pooler_output.flat();

/** A fresh temp dir and its remover. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'inferox-onnx-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Bytes of a float array in a safetensors dtype. */
export function floatBytes(values: ArrayLike<number>, dtype: DType): Uint8Array {
  if (dtype === 'float16') return new Uint8Array(Uint16Array.from(Array.from(values), numberToFloat16Bits).buffer);
  if (dtype === 'bfloat16') return new Uint8Array(Uint16Array.from(Array.from(values), numberToBfloat16Bits).buffer);
  if (dtype === 'float64') return new Uint8Array(Float64Array.from(values).buffer);
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** Deterministic small weights exactly representable in float16/bfloat16 (multiples of 1/16 in [-1, 1]). */
export function weightsFor(count: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => (((i * 7 + seed * 13) % 33) - 16) / 16);
}

/** Writes an inferox-mlp checkpoint; returns its weights as float arrays. */
export async function writeMlp(
  dir: string,
  sizes: readonly number[],
  options: { hiddenAct?: string; dtype?: DType; config?: Record<string, unknown>; skip?: string } = {},
): Promise<{ weights: number[][]; biases: number[][] }> {
  const tensors: Record<string, { dtype: DType; shape: number[]; bytes: Uint8Array }> = {};
  const weights: number[][] = [];
  const biases: number[][] = [];
  const dtype = options.dtype ?? 'float32';
  for (let i = 0; i + 1 < sizes.length; i++) {
    const w = weightsFor(sizes[i]! * sizes[i + 1]!, i + 1);
    const b = weightsFor(sizes[i + 1]!, i + 5);
    weights.push(w);
    biases.push(b);
    if (options.skip !== `layers.${i}.weight`) tensors[`layers.${i}.weight`] = { dtype, shape: [sizes[i + 1]!, sizes[i]!], bytes: floatBytes(w, dtype) };
    if (options.skip !== `layers.${i}.bias`) tensors[`layers.${i}.bias`] = { dtype, shape: [sizes[i + 1]!], bytes: floatBytes(b, dtype) };
  }
  const config = options.config ?? { model_type: 'inferox-mlp', layer_sizes: sizes, ...(options.hiddenAct ? { hidden_act: options.hiddenAct } : {}) };
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  await writeFile(join(dir, 'model.safetensors'), serializeSafetensors(tensors));
  return { weights, biases };
}

const erf = (x: number): number => {
  // Abramowitz-Stegun 7.1.26 is too coarse for 1e-5; use a series/continued fraction via high-precision approximation.
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x -
          1.26551223 +
          t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
};

/** The MLP forward pass in plain JS (float64), for comparisons. */
export function mlpForward(input: number[], sizes: readonly number[], weights: number[][], biases: number[][], act: string): number[] {
  const batch = input.length / sizes[0]!;
  let x = input;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [inSize, outSize] = [sizes[l]!, sizes[l + 1]!];
    const y: number[] = [];
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < outSize; o++) {
        let s = biases[l]![o]!;
        for (let i = 0; i < inSize; i++) s += x[b * inSize + i]! * weights[l]![o * inSize + i]!;
        const last = l + 2 === sizes.length;
        y.push(last ? s : act === 'relu' ? Math.max(0, s) : act === 'tanh' ? Math.tanh(s) : 0.5 * s * (1 + erf(s / Math.SQRT2)));
      }
    }
    x = y;
  }
  return x;
}

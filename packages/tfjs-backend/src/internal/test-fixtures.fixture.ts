import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BertReference, bertReferenceFeeds } from '@inferox/core/testing';
import { type SafetensorsInput, Tensor, type TensorMap, numberToBfloat16Bits, numberToFloat16Bits, parseSafetensors, serializeSafetensors } from '@inferox/core';

/** The tiny BERT checkpoint shared by every package. */
export const TINY_BERT = resolve(import.meta.dirname, '../../../../fixtures/tiny-bert-hf');

export type { BertReference };

let reference: Promise<BertReference> | undefined;

/** Reads reference.json once. */
export function bertReference(): Promise<BertReference> {
  reference ??= readFile(join(TINY_BERT, 'reference.json'), 'utf8').then((text) => JSON.parse(text) as BertReference);
  return reference;
}

/** The reference inputs as int64 feeds (a new map each call). */
export function bertFeeds(ref: BertReference): TensorMap {
  return bertReferenceFeeds(ref);
}

/** A fresh temp folder and a function removing it. */
export async function tempDir(prefix = 'inferox-tfjs-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The tiny BERT's tensors, parsed from its safetensors file. */
export async function bertTensors(): Promise<Map<string, SafetensorsInput>> {
  const bytes = new Uint8Array(await readFile(join(TINY_BERT, 'model.safetensors')));
  const parsed = parseSafetensors(bytes);
  return new Map([...parsed.tensors].map(([name, e]) => [name, { dtype: e.dtype, shape: e.shape, bytes: e.bytes }]));
}

/** Writes a BERT checkpoint folder holding `tensors` (the fixture's config.json), in one file or in `shards` files. */
export async function writeBertCheckpoint(dir: string, tensors: ReadonlyMap<string, SafetensorsInput>, shards = 1): Promise<string> {
  await mkdir(dir, { recursive: true });
  await copyFile(join(TINY_BERT, 'config.json'), join(dir, 'config.json'));
  if (shards === 1) {
    await writeFile(join(dir, 'model.safetensors'), serializeSafetensors(Object.fromEntries(tensors)));
    return dir;
  }
  const groups: Record<string, SafetensorsInput>[] = Array.from({ length: shards }, () => ({}));
  const weightMap: Record<string, string> = {};
  [...tensors].forEach(([name, t], i) => {
    groups[i % shards]![name] = t;
    weightMap[name] = `model-${String((i % shards) + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
  });
  for (const [i, group] of groups.entries()) {
    await writeFile(join(dir, `model-${String(i + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`), serializeSafetensors(group));
  }
  await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
  return dir;
}

/** Weight storage of a test checkpoint. */
export type WeightDtype = 'F32' | 'F16' | 'BF16';

/** A float32 array stored as `dtype` (little-endian bytes). */
export function encodeWeights(values: Float32Array, dtype: WeightDtype): SafetensorsInput['bytes'] {
  if (dtype === 'F32') return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const bits = Uint16Array.from(values, dtype === 'F16' ? numberToFloat16Bits : numberToBfloat16Bits);
  return new Uint8Array(bits.buffer);
}

/** An `inferox-mlp` checkpoint: its sizes, activation and the float32 weights written. */
export interface MlpCheckpoint {
  readonly dir: string;
  readonly sizes: readonly number[];
  readonly act: string;
  readonly weights: readonly { readonly weight: Float32Array; readonly bias: Float32Array }[];
}

/** The weights {@link writeMlpCheckpoint} writes for `sizes`: multiples of 1/8 in [-1, 1], the same every call. */
export function mlpWeights(sizes: readonly number[]): MlpCheckpoint['weights'] {
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (Math.floor((seed / 2147483648) * 17) - 8) / 8;
  };
  return sizes.slice(1).map((out, i) => ({
    weight: Float32Array.from({ length: out * sizes[i]! }, next),
    bias: Float32Array.from({ length: out }, next),
  }));
}

/**
 * Writes an `inferox-mlp` checkpoint whose weights are multiples of 1/8 in [-1, 1] (exact in F16 and BF16).
 *
 * @param config - merged over `{ model_type, layer_sizes, hidden_act }`.
 */
export async function writeMlpCheckpoint(
  dir: string,
  options: { sizes?: number[]; act?: string; dtype?: WeightDtype; config?: Record<string, unknown>; edit?: (tensors: Record<string, SafetensorsInput>) => void } = {},
): Promise<MlpCheckpoint> {
  const sizes = options.sizes ?? [10, 8, 8, 3];
  const act = options.act ?? 'relu';
  const weights = mlpWeights(sizes);
  const dtype = options.dtype ?? 'F32';
  const fileDtype = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' } as const;
  const tensors: Record<string, SafetensorsInput> = {};
  weights.forEach(({ weight, bias }, i) => {
    tensors[`layers.${i}.weight`] = { dtype: fileDtype[dtype], shape: [sizes[i + 1]!, sizes[i]!], bytes: encodeWeights(weight, dtype) };
    tensors[`layers.${i}.bias`] = { dtype: fileDtype[dtype], shape: [sizes[i + 1]!], bytes: encodeWeights(bias, dtype) };
  });
  options.edit?.(tensors);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'inferox-mlp', layer_sizes: sizes, hidden_act: act, ...options.config }));
  await writeFile(join(dir, 'model.safetensors'), serializeSafetensors(tensors));
  return { dir, sizes, act, weights };
}

/** erf to ~1e-7 (Abramowitz & Stegun 7.1.26), for reference outputs. */
export function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** The `inferox-mlp` forward pass in plain JavaScript. */
export function mlpReference(mlp: MlpCheckpoint, input: Float32Array, batch: number): Float64Array {
  let x = Float64Array.from(input);
  mlp.weights.forEach(({ weight, bias }, l) => {
    const inp = mlp.sizes[l]!;
    const out = mlp.sizes[l + 1]!;
    const y = new Float64Array(batch * out);
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < out; o++) {
        let sum = bias[o]!;
        for (let i = 0; i < inp; i++) sum += x[b * inp + i]! * weight[o * inp + i]!;
        const last = l === mlp.weights.length - 1;
        y[b * out + o] = last ? sum : mlp.act === 'relu' ? Math.max(0, sum) : mlp.act === 'tanh' ? Math.tanh(sum) : 0.5 * sum * (1 + erf(sum / Math.SQRT2));
      }
    }
    x = y;
  });
  return x;
}

/** Deterministic float32 inputs in [-1, 1). */
export function mlpInput(batch: number, features: number): Tensor<'float32'> {
  return Tensor.from('float32', Float32Array.from({ length: batch * features }, (_, i) => Math.sin(i * 1.7) ), [batch, features]);
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SafetensorsInput, serializeSafetensors } from '@inferox/core';

/** An `inferox-mlp` architecture: layer sizes from input to output, and the hidden activation. */
export interface MlpShape {
  readonly layerSizes: readonly number[];
  readonly hiddenAct?: 'relu' | 'gelu' | 'tanh';
}

/**
 * Writes an `inferox-mlp` checkpoint (config.json + model.safetensors with `layers.{i}.weight` [out, in] and
 * `layers.{i}.bias` [out]) with weights drawn from a seeded generator, so the same seed always gives the same model.
 */
export async function writeMlpCheckpoint(dir: string, shape: MlpShape, seed: number): Promise<void> {
  let state = seed >>> 0;
  const rand = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const tensors: Record<string, SafetensorsInput> = {};
  for (let i = 0; i + 1 < shape.layerSizes.length; i++) {
    const inSize = shape.layerSizes[i]!;
    const outSize = shape.layerSizes[i + 1]!;
    const bound = 1 / Math.sqrt(inSize);
    const weight = Float32Array.from({ length: outSize * inSize }, () => (rand() * 2 - 1) * bound);
    const bias = Float32Array.from({ length: outSize }, () => (rand() * 2 - 1) * bound);
    tensors[`layers.${i}.weight`] = { dtype: 'float32', shape: [outSize, inSize], bytes: new Uint8Array(weight.buffer) };
    tensors[`layers.${i}.bias`] = { dtype: 'float32', shape: [outSize], bytes: new Uint8Array(bias.buffer) };
  }
  await mkdir(dir, { recursive: true });
  const config = { model_type: 'inferox-mlp', layer_sizes: [...shape.layerSizes], hidden_act: shape.hiddenAct ?? 'relu' };
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFile(join(dir, 'model.safetensors'), serializeSafetensors(tensors));
}

/** The same MLP evaluated in plain JavaScript (float64), to check what the backends compute. */
export function referenceMlp(weights: { weight: Float32Array; bias: Float32Array; inSize: number; outSize: number }[], input: readonly number[], hiddenAct: 'relu' | 'tanh' = 'relu'): number[] {
  let x = [...input];
  weights.forEach((layer, i) => {
    const y = Array.from({ length: layer.outSize }, (_, o) => {
      let sum = layer.bias[o]!;
      for (let k = 0; k < layer.inSize; k++) sum += x[k]! * layer.weight[o * layer.inSize + k]!;
      return sum;
    });
    const last = i === weights.length - 1;
    x = last ? y : y.map((v) => (hiddenAct === 'relu' ? Math.max(0, v) : Math.tanh(v)));
  });
  return x;
}

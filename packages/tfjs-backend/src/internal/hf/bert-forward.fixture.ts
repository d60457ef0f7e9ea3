// Test-only: the Hugging Face BertModel forward pass in plain JavaScript (float64, loops), an independent reference
// for the tfjs build under any hidden_act. Checked against reference.json (PyTorch) with gelu by bert.test.ts.
import type { SafetensorsInput } from '@inferox/core';
import { erf } from '../test-fixtures.fixture';

/** The config fields the forward pass reads (HF names). */
export interface BertForwardConfig {
  readonly hidden_size: number;
  readonly num_attention_heads: number;
  readonly num_hidden_layers: number;
  readonly layer_norm_eps: number;
}

/** Int ids by input name, one row per sequence (as reference.json's `inputs`). */
export type BertForwardInputs = Readonly<Record<'input_ids' | 'attention_mask' | 'token_type_ids', readonly (readonly number[])[]>>;

const ACTS: Readonly<Record<string, (x: number) => number>> = {
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  relu: (x) => Math.max(0, x),
  silu: (x) => x / (1 + Math.exp(-x)),
  tanh: (x) => Math.tanh(x),
};

/**
 * Runs BERT on `inputs` with the weights `tensors` (float32 safetensors entries) and activation `act`.
 *
 * @returns `last_hidden_state` [batch, sequence, hidden] and `pooler_output` [batch, hidden], flat.
 */
export function bertForward(
  tensors: ReadonlyMap<string, SafetensorsInput>,
  config: BertForwardConfig,
  inputs: BertForwardInputs,
  act: string,
): { last_hidden_state: number[]; pooler_output: number[] } {
  const activation = ACTS[act];
  if (!activation) throw new Error(`bertForward: no activation ${act}`);
  const w = (name: string): Float32Array => {
    const t = tensors.get(name);
    if (!t || t.dtype !== 'float32') throw new Error(`bertForward: no float32 tensor ${name}`);
    const bytes = t.bytes as Uint8Array;
    return new Float32Array(bytes.slice().buffer);
  };
  const H = config.hidden_size;
  const heads = config.num_attention_heads;
  const d = H / heads;
  // x: rows of width `inWidth`; weight [out, in] as torch's Linear.
  const linear = (x: number[][], prefix: string): number[][] => {
    const weight = w(`${prefix}.weight`);
    const bias = w(`${prefix}.bias`);
    const out = bias.length;
    const inWidth = weight.length / out;
    return x.map((row) => Array.from({ length: out }, (_, o) => row.reduce((s, v, i) => s + v * weight[o * inWidth + i]!, bias[o]!)));
  };
  const layerNorm = (x: number[][], prefix: string): number[][] => {
    const gamma = w(`${prefix}.weight`);
    const beta = w(`${prefix}.bias`);
    return x.map((row) => {
      const mean = row.reduce((s, v) => s + v, 0) / row.length;
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
      return row.map((v, i) => ((v - mean) / Math.sqrt(variance + config.layer_norm_eps)) * gamma[i]! + beta[i]!);
    });
  };
  const add = (a: number[][], b: number[][]): number[][] => a.map((row, i) => row.map((v, j) => v + b[i]![j]!));

  const words = w('embeddings.word_embeddings.weight');
  const positions = w('embeddings.position_embeddings.weight');
  const types = w('embeddings.token_type_embeddings.weight');
  const hidden: number[] = [];
  const pooled: number[] = [];
  inputs.input_ids.forEach((ids, b) => {
    const mask = inputs.attention_mask[b]!;
    const typeIds = inputs.token_type_ids[b]!;
    let x = ids.map((id, p) => Array.from({ length: H }, (_, i) => words[id * H + i]! + positions[p * H + i]! + types[typeIds[p]! * H + i]!));
    x = layerNorm(x, 'embeddings.LayerNorm');
    for (let l = 0; l < config.num_hidden_layers; l++) {
      const at = `encoder.layer.${l}`;
      const q = linear(x, `${at}.attention.self.query`);
      const k = linear(x, `${at}.attention.self.key`);
      const v = linear(x, `${at}.attention.self.value`);
      const context = x.map((_, p) =>
        Array.from({ length: H }, (_, i) => {
          const h = Math.floor(i / d);
          const scores = ids.map((__, s) => {
            let dot = 0;
            for (let j = h * d; j < (h + 1) * d; j++) dot += q[p]![j]! * k[s]![j]!;
            return mask[s] ? dot / Math.sqrt(d) : Number.NEGATIVE_INFINITY;
          });
          const max = Math.max(...scores);
          const e = scores.map((s) => Math.exp(s - max));
          const sum = e.reduce((a, c) => a + c, 0);
          return e.reduce((acc, c, s) => acc + (c / sum) * v[s]![i]!, 0);
        }),
      );
      x = layerNorm(add(linear(context, `${at}.attention.output.dense`), x), `${at}.attention.output.LayerNorm`);
      const inner = linear(x, `${at}.intermediate.dense`).map((row) => row.map(activation));
      x = layerNorm(add(linear(inner, `${at}.output.dense`), x), `${at}.output.LayerNorm`);
    }
    hidden.push(...x.flat());
    pooled.push(...linear([x[0]!], 'pooler.dense')[0]!.map(Math.tanh));
  });
  return { last_hidden_state: hidden, pooler_output: pooled };
}

import type { SafetensorsInput } from '../safetensors';
import type { BertReference } from './bert-reference';

// The Hugging Face BertModel forward pass in plain JavaScript (float64 loops): a reference computed independently of
// any backend, for the activations reference.json (PyTorch, gelu) does not cover.

/** erf to ~1e-7 (Abramowitz & Stegun 7.1.26). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** The config fields the forward pass reads (HF names). */
export interface BertForwardConfig {
  readonly hidden_size: number;
  readonly num_attention_heads: number;
  readonly num_hidden_layers: number;
  readonly layer_norm_eps: number;
}

/** The `hidden_act` values {@link bertForward} computes, each by its formula. */
export const BERT_FORWARD_ACTIVATIONS: Readonly<Record<string, (x: number) => number>> = {
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_new: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  relu: (x) => Math.max(0, x),
  silu: (x) => x / (1 + Math.exp(-x)),
  tanh: (x) => Math.tanh(x),
};

/**
 * Runs a Hugging Face BertModel on `inputs` (int ids, one row per sequence) with the float32 weights `tensors` (HF
 * parameter names) and the hidden activation `act` (a key of {@link BERT_FORWARD_ACTIVATIONS}), in float64.
 *
 * @returns the outputs for every row, shaped as {@link expectBertReference} reads them, with the inputs: a
 * `BertReference` for this activation.
 * @throws Error when `act` is unknown or a weight is missing or not float32.
 * @example
 * ```ts
 * const relu = bertForward(tensors, config, reference.inputs, 'relu');
 * expectBertReference(await handle.run(bertReferenceFeeds(relu)), relu);
 * ```
 */
export function bertForward(
  tensors: ReadonlyMap<string, SafetensorsInput>,
  config: BertForwardConfig,
  inputs: BertReference['inputs'],
  act: string,
): BertReference {
  const activation = Object.hasOwn(BERT_FORWARD_ACTIVATIONS, act) ? BERT_FORWARD_ACTIVATIONS[act] : undefined;
  if (!activation) throw new Error(`bertForward: no activation ${act}`);
  const w = (name: string): Float32Array => {
    const t = tensors.get(name);
    if (!t || t.dtype !== 'float32') throw new Error(`bertForward: no float32 tensor ${name}`);
    // A copy at offset 0 (a Node Buffer's slice() would be a view into its whole pool).
    const bytes = new Uint8Array(t.bytes as Uint8Array);
    return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
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
  const hidden: number[][][] = [];
  const pooled: number[][] = [];
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
    hidden.push(x);
    pooled.push(linear([x[0]!], 'pooler.dense')[0]!.map(Math.tanh));
  });
  return { inputs, last_hidden_state: hidden, pooler_output: pooled };
}

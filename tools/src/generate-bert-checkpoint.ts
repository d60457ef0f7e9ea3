import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeSafetensors, type SafetensorsInput } from '@inferox/core';

/** The BERT sizes the benches use; `tiny` matches fixtures/tiny-bert-hf. */
export const BERT_PRESETS = {
  tiny: { hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 256 },
  small: { hidden_size: 256, num_hidden_layers: 4, num_attention_heads: 4, intermediate_size: 1024 },
  'base-width': { hidden_size: 768, num_hidden_layers: 2, num_attention_heads: 12, intermediate_size: 3072 },
} as const;

/** A preset name. */
export type BertPreset = keyof typeof BERT_PRESETS;

/** The Hugging Face BertConfig fields the generator writes. */
export interface BertSize {
  readonly hidden_size: number;
  readonly num_hidden_layers: number;
  readonly num_attention_heads: number;
  readonly intermediate_size: number;
  readonly vocab_size?: number;
  readonly max_position_embeddings?: number;
}

/** mulberry32: a small seeded PRNG, so a preset always writes the same weights. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes a random-weight Hugging Face BERT checkpoint (`config.json` + `model.safetensors`, BertModel parameter
 * names) to `dir`. Weights are uniform in ±0.02·√3 (std 0.02, like BERT's initialiser); LayerNorm weights near 1.
 *
 * @returns the files written and the weight bytes.
 */
export async function generateBertCheckpoint(dir: string, size: BertPreset | BertSize, seed = 7): Promise<{ files: string[]; weightBytes: number }> {
  const s: BertSize = typeof size === 'string' ? BERT_PRESETS[size] : size;
  if (s.hidden_size % s.num_attention_heads !== 0) throw new Error(`hidden_size ${s.hidden_size} is not divisible by num_attention_heads ${s.num_attention_heads}`);
  const vocab = s.vocab_size ?? 30522;
  const positions = s.max_position_embeddings ?? 512;
  const h = s.hidden_size;
  const rand = prng(seed);
  const tensors: Record<string, SafetensorsInput> = {};
  const add = (name: string, shape: number[], kind: 'weight' | 'bias' | 'ln-weight' | 'ln-bias'): void => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const scale = 0.02 * Math.sqrt(3);
    for (let i = 0; i < n; i++) {
      const r = (rand() * 2 - 1) * scale;
      data[i] = kind === 'ln-weight' ? 1 + r : kind === 'weight' ? r : r * 0.5;
    }
    tensors[name] = { dtype: 'float32', shape, bytes: new Uint8Array(data.buffer) };
  };
  add('embeddings.word_embeddings.weight', [vocab, h], 'weight');
  add('embeddings.position_embeddings.weight', [positions, h], 'weight');
  add('embeddings.token_type_embeddings.weight', [2, h], 'weight');
  add('embeddings.LayerNorm.weight', [h], 'ln-weight');
  add('embeddings.LayerNorm.bias', [h], 'ln-bias');
  for (let l = 0; l < s.num_hidden_layers; l++) {
    const p = `encoder.layer.${l}`;
    for (const part of ['query', 'key', 'value']) {
      add(`${p}.attention.self.${part}.weight`, [h, h], 'weight');
      add(`${p}.attention.self.${part}.bias`, [h], 'bias');
    }
    add(`${p}.attention.output.dense.weight`, [h, h], 'weight');
    add(`${p}.attention.output.dense.bias`, [h], 'bias');
    add(`${p}.attention.output.LayerNorm.weight`, [h], 'ln-weight');
    add(`${p}.attention.output.LayerNorm.bias`, [h], 'ln-bias');
    add(`${p}.intermediate.dense.weight`, [s.intermediate_size, h], 'weight');
    add(`${p}.intermediate.dense.bias`, [s.intermediate_size], 'bias');
    add(`${p}.output.dense.weight`, [h, s.intermediate_size], 'weight');
    add(`${p}.output.dense.bias`, [h], 'bias');
    add(`${p}.output.LayerNorm.weight`, [h], 'ln-weight');
    add(`${p}.output.LayerNorm.bias`, [h], 'ln-bias');
  }
  add('pooler.dense.weight', [h, h], 'weight');
  add('pooler.dense.bias', [h], 'bias');
  const config = {
    architectures: ['BertModel'],
    model_type: 'bert',
    vocab_size: vocab,
    hidden_size: h,
    num_hidden_layers: s.num_hidden_layers,
    num_attention_heads: s.num_attention_heads,
    intermediate_size: s.intermediate_size,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: positions,
    type_vocab_size: 2,
    initializer_range: 0.02,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    dtype: 'float32',
  };
  await mkdir(dir, { recursive: true });
  const bytes = serializeSafetensors(tensors, { format: 'pt' });
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFile(join(dir, 'model.safetensors'), bytes);
  const weightBytes = Object.values(tensors).reduce((n, t) => n + t.bytes.length, 0);
  return { files: ['config.json', 'model.safetensors'], weightBytes };
}

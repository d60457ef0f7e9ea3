import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type SafetensorsInput, parseSafetensors } from '../safetensors';
import { BERT_FORWARD_ACTIVATIONS, type BertForwardConfig, bertForward } from './bert-forward';
import { type BertReference, expectBertReference } from './bert-reference';
import { maxAbsDiff } from './max-abs-diff';

const BERT = resolve(import.meta.dirname, '../../../../fixtures/tiny-bert-hf');
const reference = JSON.parse(readFileSync(resolve(BERT, 'reference.json'), 'utf8')) as BertReference;
const config = JSON.parse(readFileSync(resolve(BERT, 'config.json'), 'utf8')) as BertForwardConfig;
const tensors = new Map<string, SafetensorsInput>(
  [...parseSafetensors(new Uint8Array(readFileSync(resolve(BERT, 'model.safetensors')))).tensors].map(([name, t]) => [name, { dtype: t.dtype, shape: t.shape, bytes: t.bytes }]),
);

/** A float32 tensor's values (a copy, so an unaligned view reads as well). */
const float32 = (t: SafetensorsInput): Float32Array => new Float32Array(t.bytes.slice().buffer);

/** A forward pass's outputs as tensors-like values. */
const asOutputs = (r: BertReference) => ({
  last_hidden_state: { shape: [r.last_hidden_state.length, r.last_hidden_state[0]!.length, r.last_hidden_state[0]![0]!.length], data: r.last_hidden_state.flat(2) },
  pooler_output: { shape: [r.pooler_output.length, r.pooler_output[0]!.length], data: r.pooler_output.flat() },
});

describe('bertForward', () => {
  it('reproduces PyTorch reference.json within 1e-4 with gelu, and carries the inputs it ran', () => {
    const gelu = bertForward(tensors, config, reference.inputs, 'gelu');
    expectBertReference(asOutputs(gelu), reference);
    expect(gelu.inputs).toBe(reference.inputs);
  });

  it('computes each activation by its formula on known inputs, and each changes the outputs', () => {
    const act = BERT_FORWARD_ACTIVATIONS;
    expect(Object.keys(act)).toEqual(['gelu', 'gelu_new', 'relu', 'silu', 'tanh']);
    expect([-1, 0, 2].map(act.relu!)).toEqual([0, 0, 2]);
    expect(act.silu!(1)).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(act.tanh!(0.5)).toBe(Math.tanh(0.5));
    expect(act.gelu!(1)).toBeCloseTo(0.8413447, 6);
    expect(act.gelu_new!(1)).toBeCloseTo(0.8411920, 6);
    expect(act.gelu_new!(2)).toBeCloseTo(1.9545977, 6);
    const gelu = bertForward(tensors, config, reference.inputs, 'gelu').last_hidden_state.flat(2);
    for (const name of ['gelu_new', 'relu', 'silu', 'tanh']) {
      const other = bertForward(tensors, config, reference.inputs, name).last_hidden_state.flat(2);
      expect(maxAbsDiff(other, gelu), name).toBeGreaterThan(1e-6);
    }
  });

  it('throws naming the activation or the weight when either is unknown', () => {
    expect(() => bertForward(tensors, config, reference.inputs, 'mish')).toThrow('no activation mish');
    expect(() => bertForward(tensors, config, reference.inputs, 'constructor')).toThrow('no activation constructor');
    // Weights that are views into a larger Node Buffer (as parseSafetensors gives for a read file) read as themselves.
    const file = readFileSync(resolve(BERT, 'model.safetensors'));
    const views = new Map([...parseSafetensors(file).tensors].map(([name, t]) => [name, { dtype: t.dtype, shape: t.shape, bytes: t.bytes }]));
    expect(bertForward(views, config, reference.inputs, 'relu')).toEqual(bertForward(tensors, config, reference.inputs, 'relu'));
    const missing = new Map(tensors);
    missing.delete('pooler.dense.bias');
    expect(() => bertForward(missing, config, reference.inputs, 'gelu')).toThrow('no float32 tensor pooler.dense.bias');
    // A weight of another dtype is refused, not read as float32 bits.
    const half = new Map(tensors);
    const bias = tensors.get('pooler.dense.bias')!;
    half.set('pooler.dense.bias', { ...bias, dtype: 'float16' });
    expect(() => bertForward(half, config, reference.inputs, 'gelu')).toThrow('no float32 tensor pooler.dense.bias');
  });

  it('adds layer_norm_eps to the variance: a huge eps flattens every token of the last layer to its LayerNorm bias', () => {
    const out = bertForward(tensors, { ...config, layer_norm_eps: 1e12 }, reference.inputs, 'gelu');
    const beta = Array.from(float32(tensors.get(`encoder.layer.${config.num_hidden_layers - 1}.output.LayerNorm.bias`)!));
    for (const token of out.last_hidden_state.flat(1)) expect(maxAbsDiff(token, beta)).toBeLessThan(1e-4);
  });

  it('keeps attention finite when the scores are large enough to overflow exp (softmax subtracts the max)', () => {
    const loud = new Map(tensors);
    for (const part of ['weight', 'bias']) {
      const name = `encoder.layer.0.attention.self.query.${part}`;
      const t = tensors.get(name)!;
      loud.set(name, { ...t, bytes: new Uint8Array(float32(t).map((v) => v * 1e4).buffer) });
    }
    const out = bertForward(loud, config, reference.inputs, 'gelu');
    expect(out.last_hidden_state.flat(2).every(Number.isFinite)).toBe(true);
  });
});

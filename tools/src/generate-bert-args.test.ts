import { describe, expect, it } from 'vitest';
import { parseGenerateBertArgs } from './generate-bert-args';

describe('parseGenerateBertArgs', () => {
  it('defaults to the tiny preset, seed 7 and no ONNX when given only a folder', () => {
    expect(parseGenerateBertArgs(['out'])).toEqual({ dir: 'out', size: 'tiny', seed: 7, onnx: false });
  });

  it('reads a preset, a seed and --onnx when given them', () => {
    expect(parseGenerateBertArgs(['--size', 'base-width', 'out', '--seed', '3', '--onnx'])).toEqual({ dir: 'out', size: 'base-width', seed: 3, onnx: true });
  });

  it('builds a custom size with intermediate 4 × hidden when not given', () => {
    expect(parseGenerateBertArgs(['out', '--hidden', '128', '--layers', '3', '--heads', '4']).size).toEqual({
      hidden_size: 128,
      num_hidden_layers: 3,
      num_attention_heads: 4,
      intermediate_size: 512,
    });
    expect(parseGenerateBertArgs(['out', '--hidden', '8', '--layers', '1', '--heads', '2', '--intermediate', '16']).size).toMatchObject({ intermediate_size: 16 });
  });

  it('throws naming the problem when the arguments are wrong', () => {
    expect(() => parseGenerateBertArgs([])).toThrow('give the output folder');
    expect(() => parseGenerateBertArgs(['a', 'b'])).toThrow('one output folder only; got "a" and "b"');
    expect(() => parseGenerateBertArgs(['out', '--size', 'huge'])).toThrow('unknown size "huge"; presets: tiny, small, base-width');
    expect(() => parseGenerateBertArgs(['out', '--hidden', '64'])).toThrow('needs --hidden, --layers and --heads');
    expect(() => parseGenerateBertArgs(['out', '--size', 'tiny', '--hidden', '64'])).toThrow('not both');
    expect(() => parseGenerateBertArgs(['out', '--heads', '0'])).toThrow('--heads needs a positive integer, got "0"');
    expect(() => parseGenerateBertArgs(['out', '--seed'])).toThrow('--seed needs a non-negative integer, got null');
    expect(() => parseGenerateBertArgs(['out', '--fast'])).toThrow('unknown argument "--fast"');
  });
});

import { describe, expect, it } from 'vitest';
import { tensorLookup, tensorPrefix } from './tensor-lookup';

describe('tensorPrefix', () => {
  it('finds no prefix when the anchor is present, and the shortest task-head prefix otherwise', () => {
    expect(tensorPrefix(['embeddings.word_embeddings.weight', 'x'], 'embeddings.word_embeddings.weight')).toBe('');
    expect(tensorPrefix(['bert.embeddings.word_embeddings.weight', 'classifier.weight'], 'embeddings.word_embeddings.weight')).toBe('bert.');
    expect(tensorPrefix(['model.roberta.layers.0.weight', 'roberta.layers.0.weight'], 'layers.0.weight')).toBe('roberta.');
    expect(tensorPrefix(['xlayers.0.weight', 'other'], 'layers.0.weight')).toBe('');
  });

  it('prefers the bare anchor even after a prefixed one, and the first of two equally short prefixes', () => {
    expect(tensorPrefix(['bert.pooler.weight', 'pooler.weight'], 'pooler.weight')).toBe('');
    expect(tensorPrefix(['aa.pooler.weight', 'bb.pooler.weight'], 'pooler.weight')).toBe('aa.');
    expect(tensorPrefix(['b.pooler.weight', 'long.pooler.weight'], 'pooler.weight')).toBe('b.');
  });
});

describe('tensorLookup', () => {
  it('answers has() under the prefix', () => {
    const lookup = tensorLookup(new Set(['bert.pooler.dense.weight']), 'bert.');
    expect(lookup.has('pooler.dense.weight')).toBe(true);
    expect(lookup.has('pooler.dense.bias')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor';
import { type BertReference, bertReferenceFeeds, expectBertReference } from './bert-reference';

// Two rows of sequence 2, hidden 3.
const reference: BertReference = {
  inputs: {
    input_ids: [
      [101, 7],
      [101, 9],
    ],
    attention_mask: [
      [1, 1],
      [1, 0],
    ],
    token_type_ids: [
      [0, 0],
      [0, 1],
    ],
  },
  last_hidden_state: [
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    [
      [7, 8, 9],
      [10, 11, 12],
    ],
  ],
  pooler_output: [
    [0.1, 0.2, 0.3],
    [0.4, 0.5, 0.6],
  ],
};

const hidden = (values: number[], rows = 2) => Tensor.from('float32', values, [rows, 2, 3]);
const pooled = (values: number[], rows = 2) => Tensor.from('float32', values, [rows, 3]);
const ALL_HIDDEN = Array.from({ length: 12 }, (_, i) => i + 1);
const ALL_POOLED = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];

describe('bertReferenceFeeds', () => {
  it('gives every row as int64 [rows, sequence] when no rows are named, and rows [from, to) when they are', () => {
    const all = bertReferenceFeeds(reference);
    expect(Object.keys(all)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(all.input_ids!.dtype).toBe('int64');
    expect(all.input_ids!.shape).toEqual([2, 2]);
    expect(all.input_ids!.toArray()).toEqual([101n, 7n, 101n, 9n]);
    const second = bertReferenceFeeds(reference, [1, 2]);
    expect(second.token_type_ids!.shape).toEqual([1, 2]);
    expect(second.token_type_ids!.toArray()).toEqual([0n, 1n]);
    expect(bertReferenceFeeds(reference, [1, 1]).input_ids!.shape).toEqual([0, 0]);
  });
});

describe('expectBertReference', () => {
  it('passes when both outputs are within 1e-4 of the reference, and for the named rows and outputs', () => {
    expectBertReference({ last_hidden_state: hidden(ALL_HIDDEN.map((v) => v + 9e-5)), pooler_output: pooled(ALL_POOLED) }, reference);
    expectBertReference({ pooler_output: { shape: [1, 3], data: [0.4, 0.5, 0.6] } }, reference, { rows: [1, 2], outputs: ['pooler_output'] });
    expectBertReference({ last_hidden_state: hidden(ALL_HIDDEN.map((v) => v + 0.01)) }, reference, { outputs: ['last_hidden_state'], tolerance: 0.02 });
  });

  it('fails naming the output when a value is off by more than the tolerance, an output is missing or its shape differs', () => {
    const off = ALL_HIDDEN.map((v, i) => (i === 5 ? v + 2e-4 : v));
    expect(() => expectBertReference({ last_hidden_state: hidden(off), pooler_output: pooled(ALL_POOLED) }, reference)).toThrow(
      /max abs diff of last_hidden_state from reference rows 0\.\.2/,
    );
    expect(() => expectBertReference({ last_hidden_state: hidden(ALL_HIDDEN) }, reference)).toThrow(/output pooler_output/);
    expect(() => expectBertReference({ pooler_output: pooled(ALL_POOLED.slice(3), 1) }, reference, { outputs: ['pooler_output'] })).toThrow(/shape of pooler_output/);
    expect(() => expectBertReference({ pooler_output: { shape: [2, 3], data: ALL_POOLED.map(String) } }, reference, { outputs: ['pooler_output'] })).toThrow(
      /pooler_output holds numbers/,
    );
  });

  it('compares the hidden state of the named rows only', () => {
    expectBertReference({ last_hidden_state: hidden(ALL_HIDDEN.slice(6), 1) }, reference, { rows: [1, 2], outputs: ['last_hidden_state'] });
    expect(() => expectBertReference({ last_hidden_state: hidden(ALL_HIDDEN.slice(0, 6), 1) }, reference, { rows: [1, 2], outputs: ['last_hidden_state'] })).toThrow(
      /max abs diff of last_hidden_state from reference rows 1\.\.2/,
    );
  });

  it('fails with an assertion naming the output, not a TypeError, when the rows or the sequence are empty', () => {
    const none = { shape: [0, 0, 0], data: new Float32Array(0) };
    expect(() => expectBertReference({ last_hidden_state: none }, reference, { rows: [2, 2], outputs: ['last_hidden_state'] })).toThrow(/last_hidden_state holds numbers/);
    expect(() => expectBertReference({ pooler_output: { shape: [0, 0], data: [] } }, reference, { rows: [2, 2], outputs: ['pooler_output'] })).toThrow(/pooler_output holds numbers/);
    const noTokens: BertReference = { ...reference, last_hidden_state: [[]] };
    expect(() => expectBertReference({ last_hidden_state: { shape: [1, 0, 0], data: [] } }, noTokens, { rows: [0, 1], outputs: ['last_hidden_state'] })).toThrow(
      /last_hidden_state holds numbers/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { batchDimOf, checkBatchable } from './batch-dim';
import type { ModelSignature, TensorSpec } from './model-handle';

const spec = (name: string, shape: TensorSpec['shape'], extra: Partial<TensorSpec> = {}): TensorSpec => ({ name, dtype: 'float32', shape, ...extra });
const bert: ModelSignature = {
  inputs: [spec('input_ids', ['batch', 'sequence']), spec('attention_mask', ['batch', 'sequence'])],
  outputs: [spec('last_hidden_state', ['batch', 'sequence', 32]), spec('pooler_output', ['batch', 32])],
};

describe('batchDimOf', () => {
  it('names the symbolic dim 0 every input and output shares', () => {
    expect(batchDimOf(bert)).toBe('batch');
    expect(batchDimOf({ inputs: [spec('x', ['n'])], outputs: [spec('y', ['n'])] })).toBe('n');
  });

  it.each([
    ['no inputs', { inputs: [], outputs: [spec('y', ['batch'])] }],
    ['a fixed dim 0', { inputs: [spec('x', [1, 4])], outputs: [spec('y', [1, 2])] }],
    ['an unnamed dim 0', { inputs: [spec('x', [null, 4])], outputs: [spec('y', [null, 2])] }],
    ['an unknown rank', { inputs: [spec('x', ['batch', 4])], outputs: [spec('y', null)] }],
    ['a scalar output', { inputs: [spec('x', ['batch', 4])], outputs: [spec('y', ['batch']), spec('count', [])] }],
    ['names that differ', { inputs: [spec('x', ['batch', 4]), spec('z', ['rows', 4])], outputs: [spec('y', ['batch'])] }],
    ['an output whose dim 0 is fixed', { inputs: [spec('x', ['batch', 4])], outputs: [spec('y', [4, 'batch'])] }],
    ['a max on dim 0 of an input', { inputs: [spec('x', ['batch', 4], { dimLimits: [{ max: 1 }, null] })], outputs: [spec('y', ['batch'])] }],
  ] satisfies [string, ModelSignature][])('finds none with %s', (_, signature) => {
    expect(batchDimOf(signature)).toBeUndefined();
  });

  it('still finds it when dim 0 has only a lower bound', () => {
    expect(batchDimOf({ inputs: [spec('x', ['batch'], { dimLimits: [{ min: 1 }] })], outputs: [spec('y', ['batch'])] })).toBe('batch');
  });
});

describe('checkBatchable', () => {
  it('takes absent as false and true only for a signature with a batch dim', () => {
    expect([checkBatchable(undefined, bert, 'm'), checkBatchable(false, bert, 'm'), checkBatchable(true, bert, 'm')]).toEqual([false, false, true]);
  });

  it('refuses true for a signature without a batch dim, and a value that is not a boolean, naming it', () => {
    const fixed: ModelSignature = { inputs: [spec('x', [1, 4])], outputs: [spec('y', [1, 2])] };
    expect(() => checkBatchable(true, fixed, 'model "m" (test)')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('batchable of model "m" (test) is true, but its signature has no batch dimension') }));
    expect(() => checkBatchable('yes', bert, 'model "m" (test)')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: 'batchable of model "m" (test) must be a boolean, got "yes"' }));
  });
});

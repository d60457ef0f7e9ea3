import { Tensor } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { batchKey } from './batch-key';

const ids = (rows: number, seq: number): Tensor => Tensor.zeros('int64', [rows, seq]);

describe('batchKey', () => {
  it('names every input with its dtype and dims beyond dim 0, in sorted name order whatever the feeds order', () => {
    const a = batchKey({ mask: ids(1, 4), ids: ids(1, 4), scale: Tensor.zeros('float32', [1]) }, undefined);
    const b = batchKey({ ids: ids(3, 4), scale: Tensor.zeros('float32', [3]), mask: ids(3, 4) }, undefined);
    expect(a).toBe('"ids":int64[4];"mask":int64[4];"scale":float32[]');
    expect(b).toBe(a);
  });

  it('sorts two inputs given in reverse order', () => {
    expect(batchKey({ mask: ids(1, 4), ids: ids(1, 5) }, undefined)).toBe('"ids":int64[5];"mask":int64[4]');
  });

  it('keeps dims beyond dim 1 of padded inputs and stars their dim 1 only', () => {
    const padding = { inputs: ['ids', 'vec'], value: 0, outputs: undefined };
    expect(batchKey({ ids: Tensor.zeros('int64', [1, 7, 2, 3]), vec: Tensor.zeros('int64', [1]) }, padding)).toBe('"ids":int64[*,2,3];"vec":int64[]');
    expect(batchKey({ ids: Tensor.zeros('int64', [1, 7, 2, 3]) }, undefined)).toBe('"ids":int64[7,2,3]');
  });

  it('tells apart names that would run together without quoting', () => {
    expect(batchKey({ 'a:int64[4];"b"': ids(1, 4) }, undefined)).not.toBe(batchKey({ a: ids(1, 4), b: ids(1, 4) }, undefined));
  });

  it('is undefined for no inputs, a scalar input, or inputs disagreeing on dim 0', () => {
    expect(batchKey({}, undefined)).toBeUndefined();
    expect(batchKey({ ids: ids(1, 4), s: Tensor.zeros('float32', []) }, undefined)).toBeUndefined();
    expect(batchKey({ a: Tensor.zeros('float32', []), ids: ids(1, 4) }, undefined)).toBeUndefined();
    expect(batchKey({ ids: ids(1, 4), mask: ids(2, 4) }, undefined)).toBeUndefined();
  });

  it('tells apart dims that would run together without a separator', () => {
    expect(batchKey({ x: Tensor.zeros('int64', [1, 7, 23]) }, undefined)).not.toBe(batchKey({ x: Tensor.zeros('int64', [1, 72, 3]) }, undefined));
    expect(batchKey({ x: Tensor.zeros('int64', [1, 7, 23]) }, undefined)).toBe('"x":int64[7,23]');
  });
});

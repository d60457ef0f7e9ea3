import { ErrorCode, Tensor } from '@inferox/core';
import { thrownBy } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import type { ComposedBatch } from './compose-batch';
import { splitOutputs } from './split-outputs';

const batchOf = (rows: number[], lengths: (number | undefined)[], paddedLength: number | undefined, cutOutputs?: string[]): ComposedBatch => ({
  feeds: {},
  rows,
  lengths,
  paddedLength,
  cutOutputs,
});

const values = (t: Tensor | undefined): unknown[] => Array.from(t!.data as ArrayLike<unknown>);

describe('splitOutputs', () => {
  it('gives each member its own rows of every output, in order, cut back to its own length where padded', () => {
    const hidden = Tensor.from('float32', [1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]);
    const pooled = Tensor.from('float32', [10, 20, 30], [3]);
    const parts = splitOutputs({ hidden, pooled }, batchOf([1, 2], [2, 3], 3), 'S');
    expect(parts).toHaveLength(2);
    const [a, b] = parts;
    expect(a!['hidden']!.shape).toEqual([1, 2]);
    expect(values(a!['hidden'])).toEqual([1, 2]);
    expect(b!['hidden']!.shape).toEqual([2, 3]);
    expect(values(b!['hidden'])).toEqual([4, 5, 6, 7, 8, 9]);
    // A member as long as the batch gets a view over the batch output, not a copy.
    expect((b!['hidden']!.data as Float32Array).buffer).toBe((hidden.data as Float32Array).buffer);
    expect(values(a!['pooled'])).toEqual([10]);
    expect(values(b!['pooled'])).toEqual([20, 30]);
  });

  it('cuts only the named outputs, only outputs whose dim 1 is the padded length, and nothing without padding', () => {
    const data = [1, 2, 3, 4, 5, 6];
    const outputs = { named: Tensor.from('float32', data, [2, 3]), other: Tensor.from('float32', data, [2, 3]) };
    const [a] = splitOutputs(outputs, batchOf([1, 1], [2, 3], 3, ['named']), 'S');
    expect(a!['named']!.shape).toEqual([1, 2]);
    expect(a!['other']!.shape).toEqual([1, 3]);
    const [b] = splitOutputs({ wide: Tensor.from('float32', [1, 2, 3, 4, 5, 6, 7, 8], [2, 4]) }, batchOf([1, 1], [2, 3], 3), 'S');
    expect(b!['wide']!.shape).toEqual([1, 4]);
    const [c] = splitOutputs({ plain: Tensor.from('float32', data, [2, 3]) }, batchOf([1, 1], [undefined, undefined], undefined), 'S');
    expect(c!['plain']!.shape).toEqual([1, 3]);
  });

  it('answers an output whose dim 0 is not the batch’s rows, or that is no tensor, with BACKEND_ERROR naming it', () => {
    const wrong = thrownBy(() => splitOutputs({ out: Tensor.from('float32', [1, 2], [2]) }, batchOf([1, 2], [undefined, undefined], undefined), 'Sched'));
    expect(wrong).toMatchObject({
      code: ErrorCode.BACKEND_ERROR,
      message: 'Sched: output "out" is float32[2]; a batch of 2 requests needs dim 0 = 3 to split it',
      details: { output: 'out', rows: 3 },
    });
    const notTensor = thrownBy(() => splitOutputs({ out: 5 as unknown as Tensor }, batchOf([1], [undefined], undefined), 'Sched'));
    expect(notTensor).toMatchObject({ code: ErrorCode.BACKEND_ERROR, message: 'Sched: output "out" is number; a batch of 1 requests needs dim 0 = 1 to split it' });
  });
});

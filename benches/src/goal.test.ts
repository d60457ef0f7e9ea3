import { describe, expect, it } from 'vitest';
import { checkGoal, ratio } from './goal';

describe('checkGoal', () => {
  it('meets an at-most goal when the value is at or under the bound, and misses it above', () => {
    expect(checkGoal('p50 ratio', 1.05, { atMost: 1.05 })).toEqual({ name: 'p50 ratio', target: '≤ 1.05', measured: '1.05', limit: null, met: true });
    expect(checkGoal('p50 ratio', 1.051, { atMost: 1.05 }).met).toBe(false);
  });

  it('checks at-least and equal bounds, with the unit in target and measured', () => {
    expect(checkGoal('rps', 90, { atLeast: 100 }, ' req/s')).toEqual({ name: 'rps', target: '≥ 100 req/s', measured: '90 req/s', limit: null, met: false });
    expect(checkGoal('lost', 0, { equal: 0 }).met).toBe(true);
    expect(checkGoal('lost', 3, { equal: 0 }).met).toBe(false);
    expect(checkGoal('band', 5, { atLeast: 1, atMost: 10 }).target).toBe('≥ 1 and ≤ 10');
  });

  it('records the limit the goal is measured against, with its figure', () => {
    const g = checkGoal('batching ÷ limit', 0.8, { atLeast: 0.85 }, '×', 'raw ORT [16, 16] batches back to back: 9,000 requests/s');
    expect(g).toEqual({ name: 'batching ÷ limit', target: '≥ 0.85×', measured: '0.8×', limit: 'raw ORT [16, 16] batches back to back: 9,000 requests/s', met: false });
  });

  it('never meets a goal when the measurement is not finite', () => {
    expect(checkGoal('ratio', Number.NaN, { atMost: 2 }).met).toBe(false);
    expect(checkGoal('ratio', Number.POSITIVE_INFINITY, { atLeast: 2 }).met).toBe(false);
  });

  it('throws when given no bound', () => {
    expect(() => checkGoal('x', 1, {})).toThrow('goal "x" has no bound');
  });
});

describe('ratio', () => {
  it('divides Inferox by the baseline, and is NaN when the baseline is zero', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(1, 0)).toBeNaN();
  });
});

import { describe, expect, it } from 'vitest';
import { roundOrder } from './round-order';

/** How often each item directly follows each other item over `rounds` rounds. */
function followers(n: number, rounds: number): Map<string, number> {
  const counts = new Map<string, number>();
  const items = Array.from({ length: n }, (_, i) => i);
  for (let r = 0; r < rounds; r++) {
    const order = roundOrder(items, r);
    for (let i = 1; i < n; i++) counts.set(`${order[i - 1]}>${order[i]}`, (counts.get(`${order[i - 1]}>${order[i]}`) ?? 0) + 1);
  }
  return counts;
}

describe('roundOrder', () => {
  it('alternates two items, as A B then B A', () => {
    expect([0, 1, 2, 3].map((r) => roundOrder(['a', 'b'], r))).toEqual([['a', 'b'], ['b', 'a'], ['a', 'b'], ['b', 'a']]);
  });

  it('lets every item lead once in the first rounds and keeps every item in each round', () => {
    for (const n of [3, 4, 5, 8]) {
      const items = Array.from({ length: n }, (_, i) => i);
      const leaders = items.map((r) => roundOrder(items, r)[0]);
      expect(new Set(leaders).size).toBe(n);
      for (let r = 0; r < 2 * n; r++) expect([...roundOrder(items, r)].sort((a, b) => a - b)).toEqual(items);
    }
  });

  it('makes each item follow every other equally often (n rounds for an even count, 2n for an odd one)', () => {
    for (const [n, rounds, times] of [
      [4, 4, 1],
      [6, 6, 1],
      [3, 6, 2],
      [5, 10, 2],
    ] as const) {
      const counts = followers(n, rounds);
      expect(counts.size).toBe(n * (n - 1));
      expect(new Set(counts.values())).toEqual(new Set([times]));
    }
  });

  it('takes any round number, negative ones too, and returns an empty list when given one', () => {
    expect(roundOrder([1, 2, 3], -1)).toEqual(roundOrder([1, 2, 3], 5));
    expect(roundOrder([], 3)).toEqual([]);
  });
});

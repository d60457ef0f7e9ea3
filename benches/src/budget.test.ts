import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundsWithin } from './budget';

describe('roundsWithin', () => {
  it('fits as many rounds as the budget allows when that is within the bounds', () => {
    expect(roundsWithin(1000, 10, { min: 5, max: 500 })).toBe(100);
  });

  it('clamps to min for slow rounds and to max for fast ones or a non-positive estimate', () => {
    expect(roundsWithin(1000, 600, { min: 5, max: 500 })).toBe(5);
    expect(roundsWithin(1000, 0.01, { min: 5, max: 500 })).toBe(500);
    expect(roundsWithin(1000, 0, { min: 5, max: 500 })).toBe(500);
    expect(roundsWithin(1000, Number.NaN, { min: 5, max: 500 })).toBe(500);
  });

  it('always returns an integer within the bounds when given any budget and round time', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 500 }), (budget, ms, min, extra) => {
        const n = roundsWithin(budget, ms, { min, max: min + extra });
        return Number.isInteger(n) && n >= min && n <= min + extra;
      }),
    );
  });

  it('throws when the bounds are bad', () => {
    expect(() => roundsWithin(1, 1, { min: 5, max: 4 })).toThrow('bad round bounds [5, 4]');
    expect(() => roundsWithin(1, 1, { min: 0, max: 4 })).toThrow('bad round bounds');
  });
});

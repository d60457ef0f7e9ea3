import { describe, expect, it } from 'vitest';
import { thrown } from '../internal/thrown.fixture';
import { DEFAULT_V2_LIMITS, V2_LIMIT_NAMES, overLimit, resolveV2Limits } from './v2-limits';

const errorOf = (limits: unknown) => thrown(() => resolveV2Limits(limits as never));

describe('resolveV2Limits', () => {
  it('refuses limits that are not an object, naming their type', () => {
    expect([errorOf(null).code, errorOf(null).message]).toEqual(['INVALID_INPUT', 'v2 limits must be an object, got object']);
    expect(errorOf(5).message).toBe('v2 limits must be an object, got number');
  });

  it('refuses an unknown limit, listing the known ones, with the name cut to 64 characters', () => {
    const error = errorOf({ maxFoo: 1 });
    expect([error.code, error.message, error.details]).toEqual([
      'INVALID_INPUT',
      'unknown v2 limit "maxFoo"; known: maxRequestBytes, maxInputs, maxOutputs, maxElements, maxDepth, maxNameLength, maxStringLength, maxOutputBytes',
      { limit: 'maxFoo' },
    ]);
    const long = errorOf({ ['k'.repeat(100)]: 1 });
    expect(long.message.startsWith(`unknown v2 limit "${'k'.repeat(64)}"; known: `)).toBe(true);
    expect(long.details).toEqual({ limit: 'k'.repeat(64) });
  });

  it('refuses a limit that is not a positive safe integer, naming it and the value (cut)', () => {
    for (const [value, shown] of [
      [0, '0'],
      [-1, '-1'],
      [1.5, '1.5'],
      [2 ** 53, '9007199254740992'],
      [Number.NaN, 'NaN'],
      ['5', '5'],
      [null, 'null'],
      [5n, '5'],
    ] as const) {
      const error = errorOf({ maxInputs: value });
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', `v2 limit maxInputs must be a positive integer, got ${shown}`, { limit: 'maxInputs' }]);
    }
    expect(errorOf({ maxDepth: 'x'.repeat(100) }).message).toBe(`v2 limit maxDepth must be a positive integer, got ${'x'.repeat(64)}`);
  });

  it('keeps the defaults for missing or undefined limits and takes 1 as a limit', () => {
    expect(resolveV2Limits()).toEqual(DEFAULT_V2_LIMITS);
    const limits = resolveV2Limits({ maxInputs: undefined, maxDepth: 1 });
    expect(limits).toStrictEqual({ ...DEFAULT_V2_LIMITS, maxDepth: 1 });
    expect(Object.isFrozen(limits)).toBe(true);
    expect(V2_LIMIT_NAMES).toEqual(Object.keys(DEFAULT_V2_LIMITS));
  });
});

describe('overLimit', () => {
  it('names the limit, its maximum and the value, in the message and the details', () => {
    const error = overLimit('maxInputs', 2, 'request: number of inputs', 3);
    expect([error.code, error.message, error.details]).toEqual([
      'INVALID_INPUT',
      'request: number of inputs: 3 is over the limit of 2 (maxInputs; raise it in the v2 limits)',
      { limit: 'maxInputs', max: 2, value: 3 },
    ]);
  });
});

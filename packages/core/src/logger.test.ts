import { describe, expect, it } from 'vitest';
import { noopLogger } from './logger';

describe('noopLogger', () => {
  it('accepts every level and returns nothing when called', () => {
    for (const level of ['debug', 'info', 'warn', 'error'] as const) expect(noopLogger[level]('message', { a: 1 })).toBeUndefined();
  });

  it('cannot be changed when someone assigns to it', () => {
    expect(Object.isFrozen(noopLogger)).toBe(true);
  });
});

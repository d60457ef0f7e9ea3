import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textOfTokens } from './text-of-tokens';

// A stand-in tokenizer: a word costs one token per 4 characters (rounded up), so long words cost several.
const tokenize = (text: string): number[] => text.split(/\s+/).filter(Boolean).flatMap((w) => Array.from({ length: Math.ceil(w.length / 4) }, () => 1));

describe('textOfTokens', () => {
  it('writes text of exactly the requested token count when given any count', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), (n) => tokenize(textOfTokens(tokenize, n)).length === n));
  });

  it('throws when the count is not a positive integer or "a" is not one token', () => {
    expect(() => textOfTokens(tokenize, 0)).toThrow('token count must be a positive integer, got 0');
    expect(() => textOfTokens(() => [1, 2], 3)).toThrow('splits "a"');
  });
});

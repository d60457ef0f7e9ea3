import { describe, expect, it } from 'vitest';
import { quote } from './v2-quote';

describe('quote', () => {
  it('JSON-quotes a string up to max characters and names the length of a longer one', () => {
    expect(quote('abc')).toBe('"abc"');
    expect(quote('a'.repeat(64))).toBe(`"${'a'.repeat(64)}"`);
    expect(quote('a'.repeat(65))).toBe(`"${'a'.repeat(64)}"…(65 chars)`);
    expect(quote('abcd', 4)).toBe('"abcd"');
    expect(quote('abcdef', 4)).toBe('"abcd"…(6 chars)');
  });

  it('cuts the text to max characters when quoting made it longer than max + 24', () => {
    // 43 newlines quote to 88 characters (max + 24): kept whole; 44 quote to 90: cut.
    expect(quote('\n'.repeat(43))).toBe(`"${'\\n'.repeat(43)}"`);
    expect(quote('\n'.repeat(44))).toBe(`"${'\\n'.repeat(31)}\\…`);
  });

  it('writes a bigint with its n, an array by its length, an object and other values by String', () => {
    expect(quote(5n)).toBe('5n');
    expect(quote(5)).toBe('5');
    expect(quote(-1.5)).toBe('-1.5');
    expect(quote([1, 2])).toBe('an array of 2');
    expect(quote({ a: 1 })).toBe('an object');
    expect(quote(null)).toBe('null');
    expect(quote(undefined)).toBe('undefined');
    expect(quote(true)).toBe('true');
    expect(quote(Symbol('s'))).toBe('Symbol(s)');
  });
});

import { describe, expect, it } from 'vitest';
import { formatSize, parseSize } from './parse-size';

describe('parseSize', () => {
  it('reads decimal and binary units when given a unit suffix', () => {
    expect(parseSize('1024')).toBe(1024);
    expect(parseSize('500MB')).toBe(500_000_000);
    expect(parseSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize(' 10 g ')).toBe(10e9);
  });

  it('throws INVALID_INPUT naming the text when it is not a size', () => {
    expect(() => parseSize('ten gigs')).toThrow('"ten gigs" is not a size');
    expect(() => parseSize('5XB')).toThrow('"5XB"');
    expect(() => parseSize('10constructor')).toThrow('"10constructor" is not a size');
  });
});

describe('formatSize', () => {
  it('uses the largest decimal unit below 1000', () => {
    expect(formatSize(999)).toBe('999 B');
    expect(formatSize(1_500_000_000)).toBe('1.5 GB');
  });
});

import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry';

describe('parseRetryAfter', () => {
  it('reads seconds, fractions and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.05')).toBe(50);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter(' ')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
    expect(parseRetryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(50_000);
  });
});

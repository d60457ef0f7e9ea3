import { describe, expect, it } from 'vitest';
import { RESULT_MARKER, parseChildResult } from './child-task';

describe('parseChildResult', () => {
  it('returns the JSON of the last result line when the child printed other lines too', () => {
    const out = `noise\n${RESULT_MARKER}{"a":1}\nmore\n${RESULT_MARKER}{"a":2}\n`;
    expect(parseChildResult(out)).toEqual({ a: 2 });
  });

  it('throws quoting the end of the output when no result line exists', () => {
    expect(() => parseChildResult('Error: it broke\n')).toThrow('the child printed no result line; its output ended with: Error: it broke');
  });
});

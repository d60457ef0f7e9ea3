import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnmatch, selectPath } from './fnmatch';

describe('fnmatch', () => {
  it.each([
    ['config.json', '*.json', true],
    ['onnx/model.json', '*.json', true],
    ['onnx/model.onnx', 'onnx/', true],
    ['onnx/model.onnx', 'onnx/*', true],
    ['tf/model.onnx', 'onnx/*', false],
    ['a.bin', '?.bin', true],
    ['ab.bin', '?.bin', false],
    ['b.txt', '[abc].txt', true],
    ['d.txt', '[!abc].txt', true],
    ['a.txt', '[!abc].txt', false],
    ['[x', '[x', true],
    ['a+b(1).txt', 'a+b(1).txt', true],
  ])('matches %j against %j as %s', (path, pattern, expected) => {
    expect(fnmatch(path, pattern)).toBe(expected);
  });

  it('matches every literal path against itself when it has no wildcard', () => {
    fc.assert(fc.property(fc.string().filter((s) => !/[*?[]/.test(s)), (path) => fnmatch(path, path)));
  });

  it('matches every path with * when the pattern is only a star', () => {
    fc.assert(fc.property(fc.string(), (path) => fnmatch(path, '*')));
  });
});

describe('selectPath', () => {
  it('keeps a path allowed by one pattern and not ignored when both lists are given', () => {
    expect(selectPath('a.json', ['*.json'], ['b*'])).toBe(true);
    expect(selectPath('b.json', ['*.json'], ['b*'])).toBe(false);
    expect(selectPath('a.bin', ['*.json'], undefined)).toBe(false);
    expect(selectPath('a.bin', [], [])).toBe(true);
  });
});

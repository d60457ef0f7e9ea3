import { thrownBy } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import { checkDuration, checkInferOptions, checkOptionsObject, kindOf, shown } from './check-options';

const KNOWN: ReadonlySet<string> = new Set(['signal', 'drain']);

describe('shown', () => {
  it('names each kind of value briefly, quoting strings and cutting them at 40 characters', () => {
    const forty = 'x'.repeat(40);
    expect([shown(null), shown('abc'), shown(forty), shown(`${forty}y`)]).toEqual(['null', '"abc"', `"${forty}"`, `"${forty}…"`]);
    expect([shown([1]), shown(new AbortController().signal), shown({ a: 1 }), shown(() => 1)]).toEqual(['an array', 'an AbortSignal', 'an object', 'a function']);
    expect([shown(5), shown(undefined), shown(true), shown(10n)]).toEqual(['5', 'undefined', 'true', '10']);
  });
});

describe('kindOf', () => {
  it('says null, an array, an object or the typeof of anything else', () => {
    expect([kindOf(null), kindOf([]), kindOf({}), kindOf('s'), kindOf(1), kindOf(undefined)]).toEqual(['null', 'an array', 'an object', 'a string', 'a number', 'a undefined']);
  });
});

describe('checkOptionsObject', () => {
  it('returns an empty record for undefined and the given object itself otherwise', () => {
    const given = { drain: true };
    expect(checkOptionsObject(undefined, 'opts', KNOWN)).toEqual({});
    expect(checkOptionsObject(given, 'opts', KNOWN)).toBe(given);
  });

  it('refuses null, arrays and primitives with INVALID_INPUT naming the options', () => {
    for (const [value, got] of [
      [null, 'null'],
      [[], 'an array'],
      [7, '7'],
    ] as const) {
      const error = thrownBy(() => checkOptionsObject(value, 'opts', KNOWN));
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', `opts: options must be an object, got ${got}`, { field: 'opts' }]);
    }
  });

  it('names an unknown key (cut at 40 characters) and lists the known ones', () => {
    const short = thrownBy(() => checkOptionsObject({ drian: true }, 'opts', KNOWN));
    expect([short.code, short.message, short.details]).toEqual(['INVALID_INPUT', 'unknown option opts.drian; known: signal, drain', { field: 'opts.drian' }]);
    const key = 'k'.repeat(41);
    const long = thrownBy(() => checkOptionsObject({ [key]: 1 }, 'opts', KNOWN));
    expect([long.message, long.details]).toEqual([`unknown option opts.${'k'.repeat(40)}…; known: signal, drain`, { field: `opts.${'k'.repeat(40)}` }]);
    const forty = 'k'.repeat(40);
    expect(thrownBy(() => checkOptionsObject({ [forty]: 1 }, 'opts', KNOWN)).message).toBe(`unknown option opts.${forty}; known: signal, drain`);
  });

  it('takes a signal of another realm (aborted, addEventListener, removeEventListener) and refuses a look-alike missing one', () => {
    const foreign = { aborted: false, addEventListener: () => undefined, removeEventListener: () => undefined };
    expect(checkOptionsObject({ signal: foreign }, 'opts', KNOWN).signal).toBe(foreign);
    for (const bad of [
      { aborted: 'no', addEventListener: () => undefined, removeEventListener: () => undefined },
      { aborted: false, addEventListener: 1, removeEventListener: () => undefined },
      { aborted: false, addEventListener: () => undefined },
    ]) {
      const error = thrownBy(() => checkOptionsObject({ signal: bad }, 'opts', KNOWN));
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', 'opts.signal: must be an AbortSignal, got an object', { field: 'opts.signal' }]);
    }
    expect(thrownBy(() => checkOptionsObject({ signal: null }, 'opts', KNOWN)).message).toBe('opts.signal: must be an AbortSignal, got null');
  });
});

describe('checkDuration', () => {
  it('passes undefined, positive numbers and Infinity, and 0 only with zero', () => {
    for (const ok of [undefined, 1, 0.5, Number.POSITIVE_INFINITY]) expect(() => checkDuration(ok, 'f')).not.toThrow();
    expect(() => checkDuration(0, 'f', { zero: true })).not.toThrow();
  });

  it('refuses 0 (without zero), negatives, NaN and non-numbers, saying the bound', () => {
    const zero = thrownBy(() => checkDuration(0, 'f'));
    expect([zero.code, zero.message, zero.details]).toEqual(['INVALID_INPUT', 'f: must be a number of milliseconds > 0, got 0', { field: 'f' }]);
    expect(thrownBy(() => checkDuration(-1, 'f', { zero: true })).message).toBe('f: must be a number of milliseconds ≥ 0, got -1');
    expect(thrownBy(() => checkDuration(Number.NaN, 'f', { zero: true })).message).toBe('f: must be a number of milliseconds ≥ 0, got NaN');
    expect(thrownBy(() => checkDuration('5', 'f', { zero: true })).message).toBe('f: must be a number of milliseconds ≥ 0, got "5"');
  });
});

describe('checkInferOptions', () => {
  it('returns the options when every one is valid, under the default or given name', () => {
    const options = { backend: 'a', priority: 'high', timeoutMs: 5, deadline: 0, cost: 0, metadata: { tenant: 'x' } };
    expect(checkInferOptions(options)).toBe(options);
    expect(checkInferOptions(undefined, 'batch options')).toEqual({});
    expect(thrownBy(() => checkInferOptions({ nope: 1 }, 'batch options')).message).toContain('unknown option batch options.nope;');
  });

  it('refuses an empty backend, infinite deadline and cost, and metadata that is not an object of strings', () => {
    const cases: [unknown, string, string][] = [
      [{ backend: '' }, 'options.backend', 'options.backend: must be a backend name, got ""'],
      [{ deadline: Number.POSITIVE_INFINITY }, 'options.deadline', 'options.deadline: must be epoch milliseconds, got Infinity'],
      [{ deadline: Number.NaN }, 'options.deadline', 'options.deadline: must be epoch milliseconds, got NaN'],
      [{ cost: Number.POSITIVE_INFINITY }, 'options.cost', 'options.cost: must be a finite number ≥ 0, got Infinity'],
      [{ cost: '1' }, 'options.cost', 'options.cost: must be a finite number ≥ 0, got "1"'],
      [{ metadata: [] }, 'options.metadata', 'options.metadata: must be an object of strings, got an array'],
      [{ metadata: null }, 'options.metadata', 'options.metadata: must be an object of strings, got null'],
      [{ metadata: 'x' }, 'options.metadata', 'options.metadata: must be an object of strings, got "x"'],
      [{ metadata: { ['m'.repeat(41)]: 2 } }, `options.metadata.${'m'.repeat(40)}`, `options.metadata.${'m'.repeat(40)}: must be a string, got 2`],
      [{ priority: 2 }, 'options.priority', 'options.priority: must be one of critical, high, normal, low, got 2'],
    ];
    for (const [options, field, message] of cases) {
      const error = thrownBy(() => checkInferOptions(options));
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', message, { field }]);
    }
  });
});

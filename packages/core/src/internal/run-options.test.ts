import { describe, expect, it } from 'vitest';
import { checkRunOptions, isAbortSignalLike } from './run-options';
import { thrown } from './thrown.fixture';

/** An object shaped like an AbortSignal, with one member overridden. */
const signalLike = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  aborted: false,
  addEventListener: () => undefined,
  removeEventListener: () => undefined,
  ...overrides,
});

describe('isAbortSignalLike', () => {
  it('accepts a real AbortSignal, an aborted one and a signal-shaped object from another realm', () => {
    expect(isAbortSignalLike(new AbortController().signal)).toBe(true);
    expect(isAbortSignalLike(AbortSignal.abort())).toBe(true);
    expect(isAbortSignalLike(signalLike())).toBe(true);
    expect(isAbortSignalLike(signalLike({ aborted: true }))).toBe(true);
  });

  it('refuses non-objects and objects missing any one member or with it of the wrong type', () => {
    expect(isAbortSignalLike(undefined)).toBe(false);
    expect(isAbortSignalLike(null)).toBe(false);
    expect(isAbortSignalLike('signal')).toBe(false);
    // A function carrying every member is still not an object.
    expect(isAbortSignalLike(Object.assign(() => undefined, signalLike()))).toBe(false);
    expect(isAbortSignalLike(signalLike({ aborted: 'no' }))).toBe(false);
    expect(isAbortSignalLike(signalLike({ aborted: undefined }))).toBe(false);
    expect(isAbortSignalLike(signalLike({ addEventListener: undefined }))).toBe(false);
    expect(isAbortSignalLike(signalLike({ addEventListener: 'on' }))).toBe(false);
    expect(isAbortSignalLike(signalLike({ removeEventListener: undefined }))).toBe(false);
    expect(isAbortSignalLike(signalLike({ removeEventListener: {} }))).toBe(false);
  });
});

describe('checkRunOptions', () => {
  it('returns an empty object for no options, and the options themselves when they are valid', () => {
    expect(checkRunOptions(undefined)).toEqual({});
    const signal = new AbortController().signal;
    const options = { signal, outputs: ['a', 'b'], extra: 1 };
    expect(checkRunOptions(options)).toBe(options);
    const empty = {};
    expect(checkRunOptions(empty)).toBe(empty);
    expect(checkRunOptions({ outputs: [] })).toEqual({ outputs: [] });
  });

  it('refuses options that are not an object, naming the value and the option', () => {
    for (const [given, shown] of [
      [null, 'null'],
      [5, '5'],
      ['all', '"all"'],
      [['out'], 'an array of 1'],
      [() => undefined, 'a function'],
    ] as const) {
      const error = thrown(() => checkRunOptions(given));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toBe(`run options must be an object, got ${shown}`);
      expect(error.details).toEqual({ option: 'options' });
    }
  });

  it('refuses a signal that is not AbortSignal-like, naming it', () => {
    const error = thrown(() => checkRunOptions({ signal: signalLike({ aborted: 1 }) }));
    expect(error.message).toBe('options.signal must be an AbortSignal, got an object (Object)');
    expect(error.details).toEqual({ option: 'signal' });
    expect(thrown(() => checkRunOptions({ signal: null })).message).toBe('options.signal must be an AbortSignal, got null');
  });

  it('refuses outputs that are not an array, or with a non-string entry naming its index', () => {
    const notArray = thrown(() => checkRunOptions({ outputs: 'logits' }));
    expect(notArray.message).toBe('options.outputs must be an array of output names, got "logits"');
    expect(notArray.details).toEqual({ option: 'outputs' });
    const first = thrown(() => checkRunOptions({ outputs: [7, 'logits'] }));
    expect(first.message).toBe('options.outputs[0] must be an output name (a string), got 7');
    expect(first.details).toEqual({ option: 'outputs' });
    expect(thrown(() => checkRunOptions({ outputs: ['logits', null] })).message).toBe('options.outputs[1] must be an output name (a string), got null');
  });
});

import { describe, expect, it } from 'vitest';
import { splitSignal } from './split-signal';

describe('splitSignal', () => {
  it('gives count signals that abort with the outer reason, through one listener removed by dispose', () => {
    const outer = new AbortController();
    const added: string[] = [];
    const removed: string[] = [];
    const add = outer.signal.addEventListener.bind(outer.signal);
    const remove = outer.signal.removeEventListener.bind(outer.signal);
    outer.signal.addEventListener = ((...args: Parameters<typeof add>) => (added.push(args[0]), add(...args))) as typeof add;
    outer.signal.removeEventListener = ((...args: Parameters<typeof remove>) => (removed.push(args[0]), remove(...args))) as typeof remove;
    const split = splitSignal(outer.signal, 3);
    expect(split.signals).toHaveLength(3);
    expect(new Set(split.signals).size).toBe(3);
    expect(added).toEqual(['abort']);
    const reason = new Error('stop');
    outer.abort(reason);
    expect(split.signals.map((s) => [s.aborted, s.reason])).toEqual([
      [true, reason],
      [true, reason],
      [true, reason],
    ]);
    split.dispose();
    expect(removed).toEqual(['abort']);
  });

  it('starts aborted when the outer signal already is, and can abort every signal itself', () => {
    const outer = new AbortController();
    outer.abort('early');
    expect(splitSignal(outer.signal, 2).signals.map((s) => s.reason)).toEqual(['early', 'early']);
    const own = splitSignal(undefined, 2);
    expect(own.signals.map((s) => s.aborted)).toEqual([false, false]);
    own.abort('mine');
    expect(own.signals.map((s) => s.reason)).toEqual(['mine', 'mine']);
    expect(() => own.dispose()).not.toThrow();
  });

  it('no longer follows the outer signal after dispose', () => {
    const outer = new AbortController();
    const split = splitSignal(outer.signal, 1);
    split.dispose();
    outer.abort('late');
    expect(split.signals[0]!.aborted).toBe(false);
  });
});

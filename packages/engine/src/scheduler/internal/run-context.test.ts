import { describe, expect, it } from 'vitest';
import { RunContext } from './run-context';

describe('RunContext', () => {
  it('aborts the signal with the reason when it was read before the abort', () => {
    const context = new RunContext(false);
    const signal = context.signal;
    expect(signal.aborted).toBe(false);
    context.abort('first');
    context.abort('second');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('first');
    expect(context.signal).toBe(signal);
  });

  it('hands out a signal aborted with the first reason when it is first read after the aborts', () => {
    const context = new RunContext(false);
    context.abort('gone');
    context.abort('again');
    expect(context.signal.aborted).toBe(true);
    expect(context.signal.reason).toBe('gone');
  });
});

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

  it('hands out an already aborted signal when it is first read after the abort', () => {
    const context = new RunContext(false);
    context.abort('gone');
    expect(context.signal.aborted).toBe(true);
    expect(context.signal.reason).toBe('gone');
  });
});

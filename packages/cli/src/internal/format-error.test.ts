import { InferoxError } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { formatError } from './format-error';

describe('formatError', () => {
  it('prints one line with the code when not verbose', () => {
    const line = formatError(new InferoxError('MODEL_NOT_FOUND', 'no model "x"\n  models: a, b'));
    expect(line).toBe('error [MODEL_NOT_FOUND]: no model "x" models: a, b');
  });

  it('adds the stack and the causes when verbose', () => {
    const text = formatError(new InferoxError('BACKEND_ERROR', 'run failed', { cause: new Error('native boom') }), true);
    expect(text.split('\n')[0]).toBe('error [BACKEND_ERROR]: run failed');
    expect(text).toContain('caused by: Error: native boom');
  });

  it('prints a non-Error cause and stops at a cause without its own cause', () => {
    const text = formatError(new InferoxError('HUB_ERROR', 'fetch failed', { cause: 'socket hang up' }), true);
    expect(text).toContain('caused by: socket hang up');
    const e = new Error('no stack');
    e.stack = undefined;
    expect(formatError(e, true).split('\n')[0]).toBe('error [INTERNAL]: no stack');
  });

  it('reports a plain error as INTERNAL', () => {
    expect(formatError(new TypeError('x is undefined'))).toBe('error [INTERNAL]: x is undefined');
  });
});

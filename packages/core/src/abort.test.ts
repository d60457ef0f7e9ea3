import { describe, expect, it } from 'vitest';
import { abortError, throwIfAborted } from './abort';
import { InferoxError } from './inferox-error';

describe('abortError', () => {
  it('gives CANCELLED with the reason as cause when the signal was aborted with an error', () => {
    const controller = new AbortController();
    const reason = new Error('user left');
    controller.abort(reason);
    const error = abortError(controller.signal, 'load of bert');
    expect(error.code).toBe('CANCELLED');
    expect(error.message).toBe('load of bert was cancelled by its signal');
    expect(error.cause).toBe(reason);
  });

  it('gives CANCELLED with the AbortError as cause when aborted without a reason', () => {
    const controller = new AbortController();
    controller.abort();
    const error = abortError(controller.signal);
    expect(error.code).toBe('CANCELLED');
    expect(error.message).toContain('operation');
    expect((error.cause as Error).name).toBe('AbortError');
  });

  it('gives TIMEOUT when the reason is a TimeoutError', () => {
    const controller = new AbortController();
    controller.abort(new DOMException('took too long', 'TimeoutError'));
    const error = abortError(controller.signal, 'run');
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe('run was timed out by its signal');
  });

  it('returns the reason itself when the reason is already an InferoxError', () => {
    const controller = new AbortController();
    const reason = new InferoxError('SHUT_DOWN', 'engine closed');
    controller.abort(reason);
    expect(abortError(controller.signal)).toBe(reason);
  });

  it('gives TIMEOUT for any object reason named TimeoutError, and CANCELLED for a null reason or a function of that name', () => {
    const named = new AbortController();
    const reason = { name: 'TimeoutError' };
    named.abort(reason);
    expect(abortError(named.signal, 'run')).toMatchObject({ code: 'TIMEOUT', message: 'run was timed out by its signal', cause: reason });
    const empty = new AbortController();
    empty.abort(null);
    expect(abortError(empty.signal, 'run')).toMatchObject({ code: 'CANCELLED', message: 'run was cancelled by its signal', cause: null });
    // A function is not an error object, even one whose name is TimeoutError.
    const fn = new AbortController();
    fn.abort(function TimeoutError() {});
    expect(abortError(fn.signal, 'run')).toMatchObject({ code: 'CANCELLED', message: 'run was cancelled by its signal' });
    const text = new AbortController();
    text.abort('TimeoutError');
    expect(abortError(text.signal, 'run').code).toBe('CANCELLED');
  });
});

describe('throwIfAborted', () => {
  it('does nothing when there is no signal or it is not aborted', () => {
    expect(() => throwIfAborted(undefined)).not.toThrow();
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
  });

  it('throws CANCELLED naming the operation when the signal is aborted', () => {
    const controller = new AbortController();
    controller.abort('stop');
    expect(() => throwIfAborted(controller.signal, 'download')).toThrow(expect.objectContaining({ code: 'CANCELLED', message: 'download was cancelled by its signal', cause: 'stop' }));
  });
});

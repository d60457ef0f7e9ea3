import { describe, expect, it } from 'vitest';
import { InferoxError, isInferoxError, toInferoxError } from './inferox-error';

describe('InferoxError', () => {
  it('carries code, message, cause and details when constructed', () => {
    const cause = new Error('native');
    const error = new InferoxError('BACKEND_ERROR', 'run of bert failed', { cause, details: { model: 'bert' } });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InferoxError');
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.message).toBe('run of bert failed');
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ model: 'bert' });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'BACKEND_ERROR', message: 'run of bert failed', details: { model: 'bert' } });
  });

  it('has no cause and empty details when none are given', () => {
    const error = new InferoxError('QUEUE_FULL', 'full');
    expect('cause' in error).toBe(false);
    expect(error.details).toEqual({});
  });
});

describe('isInferoxError', () => {
  it('matches InferoxErrors, optionally by code', () => {
    const error = new InferoxError('TIMEOUT', 't');
    expect(isInferoxError(error)).toBe(true);
    expect(isInferoxError(error, 'TIMEOUT')).toBe(true);
    expect(isInferoxError(error, 'CANCELLED')).toBe(false);
    expect(isInferoxError(new Error('x'))).toBe(false);
    expect(isInferoxError({ code: 'TIMEOUT' })).toBe(false);
  });
});

describe('toInferoxError', () => {
  it('returns an InferoxError unchanged', () => {
    const error = new InferoxError('DISPOSED', 'gone');
    expect(toInferoxError(error)).toBe(error);
  });

  it('wraps a plain Error as BACKEND_ERROR with the original as cause and the context as prefix', () => {
    const cause = new Error('bad alloc');
    const error = toInferoxError(cause, undefined, 'onnx run of bert');
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.message).toBe('onnx run of bert: bad alloc');
    expect(error.cause).toBe(cause);
  });

  it('uses the fallback code when the error carries none or an unknown one', () => {
    const nodeError = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    expect(toInferoxError(nodeError, 'HUB_ERROR')).toMatchObject({ code: 'HUB_ERROR', message: 'no such file', cause: nodeError });
  });

  it('keeps a known code and details when the error crossed a worker boundary as a plain object', () => {
    const cloned = { code: 'QUEUE_FULL', message: 'queue of bert is full (8)', details: { model: 'bert' } };
    expect(toInferoxError(cloned)).toMatchObject({ code: 'QUEUE_FULL', message: 'queue of bert is full (8)', details: { model: 'bert' }, cause: cloned });
    expect(toInferoxError({ code: 'TIMEOUT', message: 'late', details: 'no' }).details).toEqual({});
  });

  it('stringifies non-objects and objects without a message', () => {
    expect(toInferoxError('boom')).toMatchObject({ code: 'BACKEND_ERROR', message: 'boom', cause: 'boom' });
    expect(toInferoxError(42, 'INTERNAL', 'ctx')).toMatchObject({ code: 'INTERNAL', message: 'ctx: 42' });
    expect(toInferoxError(undefined).message).toBe('undefined');
    expect(toInferoxError(null)).toMatchObject({ code: 'BACKEND_ERROR', message: 'null', cause: null });
    expect(toInferoxError({ reason: 1 }).message).toBe('[object Object]');
  });
});

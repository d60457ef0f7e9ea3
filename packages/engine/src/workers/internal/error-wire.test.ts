import { InferoxError } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { decodeError, encodeError } from './error-wire';

describe('encodeError', () => {
  it('keeps code, message, details, name and stack when given an InferoxError', () => {
    const wire = encodeError(new InferoxError('QUEUE_FULL', 'queue of bert is full (limit 4)', { details: { limit: 4 } }));
    expect(wire).toMatchObject({ code: 'QUEUE_FULL', message: 'queue of bert is full (limit 4)', details: { limit: 4 }, name: 'InferoxError' });
    expect(wire.stack).toContain('error-wire.test');
    expect(structuredClone(wire)).toEqual(wire);
  });

  it('uses the fallback code and the original name when given a plain Error', () => {
    const wire = encodeError(new TypeError('bad thing'), 'BACKEND_UNAVAILABLE');
    expect(wire).toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: 'bad thing', name: 'TypeError' });
  });

  it('drops details that cannot be cloned and stays cloneable', () => {
    const wire = encodeError(new InferoxError('INTERNAL', 'x', { details: { fn: () => 1 } }));
    expect(wire.details).toEqual({});
    expect(() => structuredClone(wire)).not.toThrow();
  });

  it('describes a thrown non-error value when given a string', () => {
    expect(encodeError('just a string')).toMatchObject({ code: 'BACKEND_ERROR', message: 'just a string', name: 'InferoxError' });
  });
});

describe('decodeError', () => {
  it('rebuilds an InferoxError with the same code, message and details and the remote stack as cause', () => {
    const error = decodeError({ code: 'INVALID_INPUT', message: 'input "x" is bad', details: { input: 'x' }, name: 'InferoxError', stack: 'remote stack' });
    expect(error).toBeInstanceOf(InferoxError);
    expect(error.toJSON()).toEqual({ code: 'INVALID_INPUT', message: 'input "x" is bad', details: { input: 'x' } });
    expect((error.cause as Error).stack).toBe('remote stack');
    expect((error.cause as Error).name).toBe('InferoxError');
  });

  it('maps an unknown code to INTERNAL when the wire error is malformed', () => {
    const error = decodeError({ code: 'NOPE' as never, message: 'm', details: {}, name: 'Error' });
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('m');
  });
});

describe('error wire without a stack', () => {
  it('leaves the stack out of the wire when the error has none, and keeps the local stack of the cause when the wire has none', () => {
    const error = new InferoxError('INTERNAL', 'no stack');
    Object.defineProperty(error, 'stack', { value: undefined });
    expect(Object.hasOwn(encodeError(error), 'stack')).toBe(false);
    const decoded = decodeError({ code: 'INTERNAL', message: 'm', details: {}, name: 'Error' });
    expect((decoded.cause as Error).stack).toContain('Error: m');
  });
});

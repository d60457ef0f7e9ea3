import { describe, expect, it, vi } from 'vitest';
import { InferoxError, isInferoxError, toInferoxError } from './inferox-error';
import type * as InferoxErrorModule from './inferox-error';

/** A second instance of the module, as an app that loads two copies of @inferox/core gets. */
async function otherCopy(): Promise<typeof InferoxErrorModule> {
  vi.resetModules();
  return import('./inferox-error');
}

describe('InferoxError', () => {
  it('is recognised by isInferoxError and instanceof when another copy of core made it', async () => {
    const other = await otherCopy();
    expect(other.InferoxError).not.toBe(InferoxError);
    const error = new other.InferoxError('MODEL_NOT_FOUND', 'no model "bert"');
    expect(isInferoxError(error, 'MODEL_NOT_FOUND')).toBe(true);
    expect(isInferoxError(error, 'INVALID_INPUT')).toBe(false);
    expect(error instanceof InferoxError).toBe(true);
    expect(toInferoxError(error)).toBe(error);
  });

  it('is not recognised when a plain error or a look-alike object has the same fields', () => {
    expect(isInferoxError(Object.assign(new Error('x'), { code: 'MODEL_NOT_FOUND', name: 'InferoxError' }))).toBe(false);
    expect({ code: 'MODEL_NOT_FOUND' } instanceof InferoxError).toBe(false);
    expect((null as unknown) instanceof InferoxError).toBe(false);
  });

  it('keeps the prototype check for subclasses when a base error is tested', () => {
    class QuotaError extends InferoxError {}
    expect(new QuotaError('QUEUE_FULL', 'full') instanceof QuotaError).toBe(true);
    expect(new InferoxError('QUEUE_FULL', 'full') instanceof QuotaError).toBe(false);
    expect(new QuotaError('QUEUE_FULL', 'full') instanceof InferoxError).toBe(true);
  });
});

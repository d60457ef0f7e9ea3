import { describe, expect, it } from 'vitest';
import { ErrorCode, isErrorCode } from './error-codes';

describe('ErrorCode', () => {
  it('holds every code the issue lists, each equal to its key', () => {
    const required = [
      'MODEL_NOT_FOUND',
      'INVALID_INPUT',
      'BACKEND_UNAVAILABLE',
      'BACKEND_ERROR',
      'DEVICE_ERROR',
      'OUT_OF_MEMORY',
      'QUEUE_FULL',
      'DEADLINE_EXCEEDED',
      'TIMEOUT',
      'CANCELLED',
      'SHUT_DOWN',
      'DISPOSED',
      'PACKAGE_INVALID',
      'HUB_ERROR',
    ];
    for (const code of required) expect(ErrorCode).toHaveProperty(code, code);
    for (const [key, value] of Object.entries(ErrorCode)) expect(value).toBe(key);
  });

  it('recognises codes and nothing else when isErrorCode is asked', () => {
    expect(isErrorCode('QUEUE_FULL')).toBe(true);
    expect(isErrorCode('queue_full')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });

  it('refuses a value that only converts to a code when it is not a string', () => {
    // An object key would turn these into 'QUEUE_FULL'; a code that crossed a boundary must be the string itself.
    expect(isErrorCode(['QUEUE_FULL'])).toBe(false);
    expect(isErrorCode({ toString: () => 'QUEUE_FULL' })).toBe(false);
  });
});

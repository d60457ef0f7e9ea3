import { describe, expect, it } from 'vitest';
import { DEVICE_KINDS, formatDevice, parseDevice } from './device';
import { InferoxError } from './inferox-error';
import { thrown } from './internal/thrown.fixture';

describe('Device', () => {
  it.each([
    ['cpu', { kind: 'cpu' }],
    ['cuda', { kind: 'cuda' }],
    ['cuda:1', { kind: 'cuda', index: 1 }],
    ['cuda:0', { kind: 'cuda', index: 0 }],
    ['wasm', { kind: 'wasm' }],
    ['webgpu', { kind: 'webgpu' }],
    ['metal', { kind: 'metal' }],
    [' CUDA:2 ', { kind: 'cuda', index: 2 }],
  ])('parses %j when the string names a device', (text, device) => {
    expect(parseDevice(text)).toEqual(device);
  });

  it('formats every kind back to the string it was parsed from', () => {
    for (const text of [...DEVICE_KINDS, 'cuda:1', 'webgpu:0']) expect(formatDevice(parseDevice(text))).toBe(text);
  });

  it.each(['gpu', 'cuda:', 'cuda:-1', 'cuda:1.5', 'cuda:x', 'cpu cpu', '', ':1'])('throws DEVICE_ERROR naming %j when it is not a device', (text) => {
    let error: unknown;
    try {
      parseDevice(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InferoxError);
    expect((error as InferoxError).code).toBe('DEVICE_ERROR');
    expect((error as Error).message).toContain(JSON.stringify(text));
    expect((error as Error).message).toContain('cpu, cuda, wasm, webgpu, metal');
    expect((error as InferoxError).details).toEqual({ device: text });
  });

  it('throws DEVICE_ERROR when the input is not a string or the index is too large', () => {
    expect(() => parseDevice(3 as unknown as string)).toThrow(expect.objectContaining({ code: 'DEVICE_ERROR' }));
    const error = thrown(() => parseDevice('cuda:99999999999999999999'));
    expect(error.code).toBe('DEVICE_ERROR');
    expect(error.message).toBe('device index in "cuda:99999999999999999999" is too large');
    expect(error.details).toEqual({ device: 'cuda:99999999999999999999' });
  });

  it('leaves index out, not undefined, when the string names no index', () => {
    expect(Object.keys(parseDevice('cuda'))).toEqual(['kind']);
    expect(Object.keys(parseDevice('cuda:0'))).toEqual(['kind', 'index']);
  });
});

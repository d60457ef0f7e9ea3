import { describe, expect, it } from 'vitest';
import { describeSource } from './describe-source';

describe('describeSource', () => {
  it.each([
    ['a path string', 'models/a.onnx', undefined, 'models/a.onnx'],
    ['a path object', { path: '/m/b' }, undefined, '/m/b'],
    ['named bytes', { bytes: new Uint8Array(2), name: 'c.onnx' }, undefined, 'c.onnx'],
    ['anonymous bytes', { bytes: new Uint8Array(3) }, undefined, '<3 bytes>'],
    ['a load name', 'models/a.onnx', { name: 'bert' }, 'bert'],
  ] as const)('names the model when given %s', (_what, source, options, expected) => {
    expect(describeSource(source, options)).toBe(expected);
  });
});

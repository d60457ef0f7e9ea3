import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInferoxError } from '@inferox/core';
import { posix } from 'node:path';
import { safeSegments } from './safe-path';

describe('safeSegments', () => {
  it('returns the segments of a nested relative path', () => {
    expect(safeSegments('onnx/deep/model.onnx', 'file path', 'INVALID_INPUT')).toEqual(['onnx', 'deep', 'model.onnx']);
  });

  it('never accepts a path that resolves outside its folder, whatever the input', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '..', '.', '', 'b\\c', '/', 'é', 'C:'), { maxLength: 6 }), (parts) => {
        const path = parts.join('/');
        try {
          const segments = safeSegments(path, 'file path', 'HUB_ERROR');
          const joined = posix.normalize(posix.join('/root', ...segments));
          return joined.startsWith('/root/') && !path.includes('\\');
        } catch (error) {
          return isInferoxError(error, 'HUB_ERROR') && error.message.includes(JSON.stringify(path));
        }
      }),
    );
  });
});

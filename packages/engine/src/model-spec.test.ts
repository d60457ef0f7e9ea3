import { thrownBy } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import { parseModelSpec } from './model-spec';

describe('parseModelSpec', () => {
  it('refuses both backends and replicas with INVALID_INPUT naming spec.replicas', () => {
    const error = thrownBy(() => parseModelSpec({ source: 'm.onnx', backends: ['onnx'], replicas: [{ backend: 'onnx' }] }));
    expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', 'spec.replicas: give spec.backends or spec.replicas, not both', { field: 'spec.replicas' }]);
  });

  it('names the missing source: spec.source without replicas, the first replica without one otherwise', () => {
    const none = thrownBy(() => parseModelSpec({ backends: ['onnx'] }));
    expect([none.code, none.message, none.details]).toEqual(['INVALID_INPUT', 'spec.source: a source is required (give spec.source or one per replica)', { field: 'spec.source' }]);
    const second = thrownBy(() => parseModelSpec({ replicas: [{ backend: 'onnx', source: 'a.onnx' }, { backend: 'tfjs' }] }));
    expect([second.message, second.details]).toEqual(['spec.replicas[1].source: a source is required (give spec.source or one per replica)', { field: 'spec.replicas[1].source' }]);
  });

  it('accepts replicas that each give a source, or one source for all', () => {
    expect(parseModelSpec({ replicas: [{ backend: 'onnx', source: 'a.onnx' }] }).replicas).toEqual([{ backend: 'onnx', source: 'a.onnx' }]);
    expect(parseModelSpec({ source: 'm.onnx', replicas: [{ backend: 'onnx' }] }).source).toBe('m.onnx');
  });
});

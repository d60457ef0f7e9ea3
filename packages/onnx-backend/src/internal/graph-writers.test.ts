import { modelTypesBuiltBy } from '@inferox/hf-checkpoint';
import { describe, expect, it } from 'vitest';
import { GRAPH_WRITERS } from './graph-writers';

describe('GRAPH_WRITERS', () => {
  it('has a writer for exactly the model types the architecture table gives the onnx backend', () => {
    expect(Object.keys(GRAPH_WRITERS).sort()).toEqual(modelTypesBuiltBy('onnx').sort());
  });
});

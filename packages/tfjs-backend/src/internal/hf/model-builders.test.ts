import { modelTypesBuiltBy } from '@inferox/hf-checkpoint';
import { describe, expect, it } from 'vitest';
import { MODEL_BUILDERS } from './model-builders';

describe('MODEL_BUILDERS', () => {
  it('has a builder for exactly the model types the architecture table gives the tfjs backend', () => {
    expect(Object.keys(MODEL_BUILDERS).sort()).toEqual(modelTypesBuiltBy('tfjs').sort());
  });
});

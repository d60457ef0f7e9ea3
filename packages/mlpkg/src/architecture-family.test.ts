import { describe, expect, it } from 'vitest';
import { architectureFamilyOf } from './architecture-family';

describe('architectureFamilyOf', () => {
  it('maps known model types to their family when the type is in the table', () => {
    expect(architectureFamilyOf('bert')).toBe('encoder-only');
    expect(architectureFamilyOf('distilbert')).toBe('encoder-only');
    expect(architectureFamilyOf('llama')).toBe('decoder-only');
    expect(architectureFamilyOf('t5')).toBe('encoder-decoder');
    expect(architectureFamilyOf('convnext')).toBe('vision');
    expect(architectureFamilyOf('clip')).toBe('multimodal');
  });

  it('returns unknown when the type is not in the table or is an Object prototype key', () => {
    expect(architectureFamilyOf('inferox-mlp')).toBe('unknown');
    expect(architectureFamilyOf('constructor')).toBe('unknown');
  });
});

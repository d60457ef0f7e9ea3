import { describe, expect, it } from 'vitest';
import { architectureRegistry } from './architecture-registry';

describe('architectureRegistry', () => {
  it('serves bert and inferox-mlp keyed by model_type when looked up', () => {
    expect([...architectureRegistry.keys()]).toEqual(['bert', 'inferox-mlp']);
    for (const [key, architecture] of architectureRegistry) {
      expect(architecture.modelType).toBe(key);
      expect(architecture.description.length).toBeGreaterThan(0);
    }
  });
});

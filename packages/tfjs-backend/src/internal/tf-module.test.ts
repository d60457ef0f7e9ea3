import { afterEach, describe, expect, it, vi } from 'vitest';

describe('loadTf', () => {
  afterEach(() => {
    vi.doUnmock('@tensorflow/tfjs-core');
    vi.resetModules();
  });

  it('imports @tensorflow/tfjs-core again on the next call when an import failed', async () => {
    // A failing import of an installed package cannot be produced for real: the mock throws once, then steps aside.
    vi.doMock('@tensorflow/tfjs-core', () => {
      throw new Error('simulated: cannot load tfjs-core');
    });
    const { loadTf } = await import('./tf-module');
    await expect(loadTf()).rejects.toThrow(Error);
    vi.doUnmock('@tensorflow/tfjs-core');
    const tf = await loadTf();
    expect(typeof tf.tensor).toBe('function');
    expect(await loadTf()).toBe(tf);
  });
});

import type { LoadModelOptions } from '@inferox/core';
import { expectInferoxError } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import { createDeviceBoundBackend } from './device-bound-backend';

describe('createDeviceBoundBackend', () => {
  it('names the model by options.name, and refuses an unknown load option with INVALID_INPUT like a real backend', async () => {
    const backend = createDeviceBoundBackend({ runMs: 0 });
    const handle = await backend.loadModel('stand-in', { name: 'gpu-model' });
    expect(handle.name).toBe('gpu-model');
    await handle.dispose();
    const error = await expectInferoxError(backend.loadModel('stand-in', { runMs: 5 } as LoadModelOptions), 'INVALID_INPUT');
    expect(error.message).toBe("unknown option options.runMs of the device-bound backend's loadModel; known: name, device, cpuThreads");
    await backend.dispose();
  });
});

import { noopLogger } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { ControlledBackend } from '../controlled-backend.fixture';
import { parseEngineConfig } from '../engine-config';
import { BackendRegistry } from './backend-registry';
import { EngineState } from './engine-state';
import { loadModel } from './load-version';
import { unloadModel } from './unload-version';

describe('retireVersion', () => {
  it('forgets each replica once its resources are freed, so an engine that swaps and unloads models keeps none of them', async () => {
    const ctl = new ControlledBackend();
    const state = new EngineState(parseEngineConfig(), noopLogger, new BackendRegistry([ctl]), undefined);
    await loadModel(state, 'm', { source: 'm' }, undefined);
    await loadModel(state, 'm', { source: 'm' }, undefined);
    await state.background.all();
    // The hot swap retired the first replica: only the one serving is left, and only its handle is live.
    expect([state.replicas.size, ctl.live.size]).toEqual([1, 1]);
    await unloadModel(state, 'm', 1000, undefined);
    await state.background.all();
    expect([state.replicas.size, ctl.live.size]).toEqual([0, 0]);
    await state.registry.dispose();
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions } from '../controlled-backend.fixture';
import { type Engine, createEngine } from '../engine';

describe('EngineState', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('numbers the sessions of an engine upwards from 1', async () => {
    engine = createEngine({ backends: [new ControlledBackend()] });
    await engine.load('m', { source: 'm' });
    expect([engine.session('m').id, engine.session('m').id, engine.session('m').id]).toEqual(['session-1', 'session-2', 'session-3']);
  });
});

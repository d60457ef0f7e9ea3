/**
 * Test support: per-test engines over a {@link ControlledBackend}, and waiting for a condition by real event-loop
 * turns, for the engine tests that hold loads and runs.
 */
import { afterEach, vi } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions } from './controlled-backend.fixture';
import { type Engine, createEngine } from './engine';
import type { EngineConfig } from './engine-config';

/** Real event-loop turns until `ready()` holds (a fake clock, when installed, does not move them). */
export async function untilTurns(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setImmediate(resolve));
}

/** What {@link controlledEngines} gives a describe block. */
export interface ControlledEngines {
  /** A fresh backend and an engine over it, closed after the test. */
  start(config?: EngineConfig): Engine<ControlledLoadOptions>;
  /** The backend of the last `start()`. */
  readonly ctl: ControlledBackend;
}

/**
 * Engines over a fresh {@link ControlledBackend} per test, for a describe block: after each test the real clock is
 * back, held loads and runs are released and the engine is closed.
 */
export function controlledEngines(): ControlledEngines {
  let engine: Engine<ControlledLoadOptions> | undefined;
  let ctl: ControlledBackend | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    ctl?.releaseLoads();
    ctl?.release();
    await engine?.close();
    engine = undefined;
  });
  return {
    start(config = {}) {
      ctl = new ControlledBackend();
      engine = createEngine({ backends: [ctl], config });
      return engine;
    },
    get ctl() {
      if (!ctl) throw new Error('controlledEngines: call start() first');
      return ctl;
    },
  };
}

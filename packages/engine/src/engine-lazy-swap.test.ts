import type { InferoxError } from '@inferox/core';
import { describe, expect, it, vi } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { controlledEngines, untilTurns } from './controlled-engine.fixture';
import { type Engine, createEngine } from './engine';

/** What a request ended with: the factor of the version that served it (y = x * factor, x = 1) or its error code. */
interface Watched {
  settled: boolean;
  outcome?: number | string;
  error?: InferoxError;
}

function watch(request: Promise<{ outputs: Record<string, { data: unknown }> }>): Watched {
  const w: Watched = { settled: false };
  request.then(
    (r) => Object.assign(w, { settled: true, outcome: (r.outputs.y!.data as Float32Array)[0] }),
    (error: InferoxError) => Object.assign(w, { settled: true, outcome: error.code, error }),
  );
  return w;
}

/** Swaps in a new lazy m@1 (y = x * factor) while the load the request waits for is held, then lets that load go. */
async function swapWhileHeld(e: Engine<ControlledLoadOptions>, ctl: ControlledBackend, factor: number): Promise<void> {
  await e.load('m', { source: 'm', lazy: true, options: { factor } });
  ctl.releaseLoads();
  ctl.holdLoads();
}

// A request to a lazy model that is hot-swapped (by another lazy version) while it loads waits for the version that
// replaced it, a bounded number of times, within the request's one timeout.
describe('Engine: a request waiting for a lazy load that is swapped meanwhile', () => {
  const engines = controlledEngines();

  async function waitingRequest(options = {}): Promise<{ e: Engine<ControlledLoadOptions>; ctl: ControlledBackend; request: Watched }> {
    const e = engines.start();
    const ctl = engines.ctl;
    await e.load('m', { source: 'm', lazy: true, options: { factor: 1 } });
    ctl.holdLoads();
    const request = watch(e.infer('m', feedsOf(1), options));
    await untilTurns(() => ctl.loadsHeld === 1);
    return { e, ctl, request };
  }

  it('follows up to eight swaps and is served by the ninth version', async () => {
    const { e, ctl, request } = await waitingRequest();
    for (let factor = 2; factor <= 9; factor++) {
      await swapWhileHeld(e, ctl, factor);
      await untilTurns(() => request.settled || (ctl.loads === factor - 1 && ctl.loadsHeld === 1));
    }
    ctl.releaseLoads();
    await untilTurns(() => request.settled);
    expect([request.outcome, request.error?.message, ctl.loads]).toEqual([9, undefined, 9]);
  });

  it('answers INTERNAL naming the model after a ninth swap, and loads nothing more', async () => {
    const { e, ctl, request } = await waitingRequest();
    for (let factor = 2; factor <= 10; factor++) {
      await swapWhileHeld(e, ctl, factor);
      await untilTurns(() => request.settled || (ctl.loads === factor - 1 && ctl.loadsHeld === 1));
    }
    expect([request.outcome, request.error?.message]).toEqual(['INTERNAL', 'm@1 kept changing while it loaded']);
    expect([ctl.loads, ctl.loadsHeld, e.info('m').state]).toEqual([9, 0, 'lazy']);
  });

  it('times out when the timeout the request gave is spent, however many versions it waited for', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    // The clock is not at 0 when the request starts.
    await vi.advanceTimersByTimeAsync(1000);
    const { e, ctl, request } = await waitingRequest({ timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(60);
    expect(request.settled).toBe(false);
    await swapWhileHeld(e, ctl, 2);
    await untilTurns(() => ctl.loads === 1 && ctl.loadsHeld === 1);
    await vi.advanceTimersByTimeAsync(39);
    expect(request.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect([request.outcome, request.error?.message]).toEqual(['TIMEOUT', 'request to m@1 timed out after 100 ms waiting for the model to load']);
  });

  it('answers SHUT_DOWN naming the closing engine or serves the request, whenever around the end of the load the engine closes without draining', async () => {
    const outcomes: string[] = [];
    for (let turns = 0; turns <= 30; turns++) {
      const ctl = new ControlledBackend();
      const e = createEngine({ backends: [ctl] });
      await e.load('m', { source: 'm', lazy: true });
      ctl.holdLoads();
      const request = watch(e.infer('m', feedsOf(1)));
      await untilTurns(() => ctl.loadsHeld === 1);
      ctl.releaseLoads();
      for (let i = 0; i < turns; i++) await Promise.resolve();
      await e.close({ drain: false });
      await untilTurns(() => request.settled);
      outcomes.push(request.error ? `${request.error.code}: ${request.error.message}` : `served by factor ${String(request.outcome)}`);
    }
    const allowed = ['SHUT_DOWN: the engine is closing', 'SHUT_DOWN: request to m@1: the engine is closed', 'served by factor 1'];
    expect(outcomes.filter((o) => !allowed.includes(o))).toEqual([]);
    // The first moments close before the request is served, the last ones after.
    expect([outcomes[0], outcomes.at(-1)]).toEqual(['SHUT_DOWN: the engine is closing', 'served by factor 1']);
  });
});

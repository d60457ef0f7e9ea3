import { describe, expect, it } from 'vitest';
import { createEngine } from './engine';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';

describe('Engine runs in flight on an inline instance', () => {
  it.each([
    { spec: {}, handle: 2, running: 2, queued: 1, why: 'what the handle asks for by default' },
    { spec: {}, handle: undefined, running: 1, queued: 2, why: 'one when the handle asks for nothing' },
    { spec: { maxConcurrent: 1 }, handle: 2, running: 1, queued: 2, why: 'the model’s maxConcurrent over the handle' },
    { spec: { maxConcurrent: 3 }, handle: 2, running: 3, queued: 0, why: 'the model’s maxConcurrent above the handle’s' },
    { spec: { batching: { maxBatchSize: 4, maxQueueDelayMs: 0 } }, handle: 2, running: 1, queued: 2, why: 'one when the model batches' },
  ])('keeps $running run(s) in flight: $why', async ({ spec, handle, running, queued }) => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    try {
      const options: ControlledLoadOptions = handle === undefined ? {} : { runsInFlight: handle };
      await engine.load('m', { source: 'm', options, ...spec });
      ctl.hold();
      const results = [1, 2, 3].map((v) => engine.infer('m', feedsOf(v)));
      await ctl.whenWaiting(1);
      for (let i = 0; i < 20; i++) await Promise.resolve();
      expect([ctl.waiting, engine.info('m').replicas[0]]).toEqual([running, expect.objectContaining({ running, queued })]);
      ctl.release();
      await Promise.all(results);
    } finally {
      ctl.release();
      await engine.close();
    }
  });

  it.each([0, 2.5, 65, 'two'])('refuses a handle whose runsInFlight is %j with BACKEND_ERROR naming it, and disposes the handle', async (bad) => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    try {
      const load = engine.load('m', { source: 'm', options: { runsInFlight: bad } });
      await expect(load).rejects.toMatchObject({
        code: 'BACKEND_ERROR',
        message: expect.stringContaining(`runsInFlight of the handle backend "ctl" loaded must be an integer from 1 to 64, got ${typeof bad === 'string' ? `"${bad}"` : String(bad)}`),
      });
      expect([ctl.loads, ctl.live.size, engine.list()]).toEqual([1, 0, []]);
    } finally {
      await engine.close();
    }
  });
});

import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { type Engine, createEngine } from './engine';

describe("Engine: a replica's scheduling settings", () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  let ctl: ControlledBackend;
  afterEach(async () => {
    ctl.release();
    await engine?.close();
    engine = undefined;
  });

  function start(config = {}): Engine<ControlledLoadOptions> {
    ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl], config });
    return engine;
  }

  it("takes the spec's queue bound over the engine's and names the replica's queue when it is full", async () => {
    const e = start({ maxQueueSize: 5 });
    await e.load('m', { source: 'm', maxQueueSize: 1 });
    ctl.hold();
    const running = e.infer('m', feedsOf(1));
    await ctl.whenWaiting(1);
    const queued = e.infer('m', feedsOf(2));
    const full = await rejectionOf(e.infer('m', feedsOf(3)));
    expect([full.code, full.message, full.details]).toEqual(['QUEUE_FULL', 'queue of "m@1/ctl" is full: 1 requests wait (maxQueueSize 1)', { maxQueueSize: 1 }]);
    expect(e.info('m').replicas[0]).toMatchObject({ queued: 1, running: 1 });
    ctl.release();
    expect((await Promise.all([running, queued])).map((r) => r.backend)).toEqual(['ctl', 'ctl']);
  });

  it("uses the engine's queue bound when the spec gives none", async () => {
    const e = start({ maxQueueSize: 1 });
    await e.load('m@3', { source: 'm' });
    ctl.hold();
    const running = e.infer('m', feedsOf(1));
    await ctl.whenWaiting(1);
    const queued = e.infer('m', feedsOf(2));
    expect((await rejectionOf(e.infer('m', feedsOf(3)))).message).toBe('queue of "m@3/ctl" is full: 1 requests wait (maxQueueSize 1)');
    ctl.release();
    await Promise.all([running, queued]);
  });

  it("runs no more at once on an instance than the spec's maxConcurrent over the engine's, else the engine's", async () => {
    const e = start({ maxConcurrent: 2 });
    await e.load('capped', { source: 'c', maxConcurrent: 1 });
    await e.load('wide', { source: 'w' });
    ctl.hold();
    const requests = [1, 2, 3].flatMap((v) => [e.infer('capped', feedsOf(v)), e.infer('wide', feedsOf(v))]);
    await ctl.whenWaiting(3);
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect([e.info('capped').replicas[0], e.info('wide').replicas[0]]).toMatchObject([
      { queued: 2, running: 1 },
      { queued: 1, running: 2 },
    ]);
    expect(ctl.waiting).toBe(3);
    ctl.release();
    expect((await Promise.all(requests)).length).toBe(6);
  });
});

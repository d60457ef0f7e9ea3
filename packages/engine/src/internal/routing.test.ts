import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from '../controlled-backend.fixture';
import { type Engine, createEngine } from '../engine';
import type { ReplicaView, RoutingRequest } from '../routing-policy';

describe('routing', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  /** Backends a, b, c (in that priority order unless `config` says otherwise), `m` loaded on a and b. */
  async function threeBackends(config = {}): Promise<{ engine: Engine<ControlledLoadOptions>; a: ControlledBackend; b: ControlledBackend }> {
    const a = new ControlledBackend({ name: 'a' });
    const b = new ControlledBackend({ name: 'b' });
    engine = createEngine({ backends: [a, b, new ControlledBackend({ name: 'c' })], config });
    await engine.load('m', { source: 'm', replicas: [{ backend: 'a' }, { backend: 'b' }] });
    return { engine, a, b };
  }

  it('shows a routing policy each usable replica\'s load and priority and the request\'s model, version and metadata', async () => {
    const seen: [ReplicaView[], RoutingRequest][] = [];
    const { engine, a } = await threeBackends({
      backendPriority: ['b', 'a'],
      routing: (replicas: readonly ReplicaView[], request: RoutingRequest) => {
        seen.push([replicas.map((r) => ({ ...r })), request]);
        return 'a';
      },
    });
    a.hold();
    const first = engine.infer('m', feedsOf(1));
    await a.whenWaiting(1);
    const second = engine.infer('m', feedsOf(2), { metadata: { tenant: 't1' } });
    a.release();
    expect([(await first).backend, (await second).backend]).toEqual(['a', 'a']);
    expect(seen).toEqual([
      [
        [
          { backend: 'b', queued: 0, running: 0, priority: 0 },
          { backend: 'a', queued: 0, running: 0, priority: 1 },
        ],
        { model: 'm', version: 1, metadata: {} },
      ],
      [
        [
          { backend: 'b', queued: 0, running: 0, priority: 0 },
          { backend: 'a', queued: 0, running: 1, priority: 1 },
        ],
        { model: 'm', version: 1, metadata: { tenant: 't1' } },
      ],
    ]);
  });

  it('sends least-loaded requests to the most preferred replica on a tie and counts queued and running alike', async () => {
    const { engine, a, b } = await threeBackends({ routing: 'least-loaded', backendPriority: ['b', 'a'] });
    b.hold();
    const onB = engine.infer('m', feedsOf(1));
    await b.whenWaiting(1);
    a.hold();
    const onA = engine.infer('m', feedsOf(2));
    await a.whenWaiting(1);
    // One running on each: the tie goes to b, the preferred backend, where the request queues.
    const queuedOnB = engine.infer('m', feedsOf(3));
    // Now b has one running and one queued, a one running: a is less loaded.
    const third = engine.infer('m', feedsOf(4));
    await a.whenWaiting(1);
    a.release();
    b.release();
    expect((await Promise.all([onB, onA, queuedOnB, third])).map((r) => r.backend)).toEqual(['b', 'a', 'b', 'a']);
  });

  it('names the backends the version runs on when the requested backend has no replica of it', async () => {
    const { engine } = await threeBackends();
    const error = await rejectionOf(engine.infer('m', feedsOf(1), { backend: 'c' }));
    expect([error.code, error.message, error.details]).toEqual(['BACKEND_UNAVAILABLE', 'm@1 has no replica on backend "c"; it runs on a, b', { backend: 'c', replicas: ['a', 'b'] }]);
  });

  it('refuses a requested replica whose backend failed to initialise, with the cause, unless it may fall back', async () => {
    const ok = new ControlledBackend({ name: 'ok' });
    engine = createEngine({ backends: [ok, new ControlledBackend({ name: 'broken', failInit: 'no runtime here' })], config: { fallback: false } });
    await engine.load('m', { source: 'm', replicas: [{ backend: 'ok' }, { backend: 'broken' }] });
    const error = await rejectionOf(engine.infer('m', feedsOf(1), { backend: 'broken' }));
    expect([error.code, error.details]).toEqual(['BACKEND_UNAVAILABLE', { backend: 'broken', model: 'm' }]);
    expect(error.message).toMatch(/^the broken replica of m@1 is unavailable: .*no runtime here/);
    expect((error.cause as Error).message).toContain('no runtime here');
    expect(ok.runs).toHaveLength(0);
  });
});

import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from '../controlled-backend.fixture';
import { type Engine, createEngine } from '../engine';
import type { ReplicaView } from '../routing-policy';

/** Which replicas route (routing.ts) offers: the requested backend's, the usable ones, none. */
describe('route: the replicas on offer', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  /** Disposes every handle `backend` gave out behind the engine's back (the replicas on it become unusable). */
  async function loseHandles(backend: ControlledBackend): Promise<void> {
    for (const h of [...backend.live]) await h.dispose();
  }

  it('names the backend a registered model runs on when a request asks for another one', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl, new ControlledBackend({ name: 'other' })] });
    await engine.register('h', await ctl.loadModel('h'));
    const error = await rejectionOf(engine.infer('h', feedsOf(1), { backend: 'other' }));
    expect([error.code, error.message, error.details]).toEqual(['BACKEND_UNAVAILABLE', 'h@1 has no replica on backend "other"; it runs on ctl', { backend: 'other', replicas: ['ctl'] }]);
  });

  it('refuses a backend without a replica even when another backend of the version failed to initialise', async () => {
    const ok = new ControlledBackend({ name: 'ok' });
    engine = createEngine({ backends: [ok, new ControlledBackend({ name: 'broken', failInit: 'no runtime here' }), new ControlledBackend({ name: 'c' })] });
    await engine.load('m', { source: 'm', replicas: [{ backend: 'ok' }, { backend: 'broken' }] });
    const error = await rejectionOf(engine.infer('m', feedsOf(1), { backend: 'c' }));
    expect([error.code, error.message, error.details]).toEqual(['BACKEND_UNAVAILABLE', 'm@1 has no replica on backend "c"; it runs on ok', { backend: 'c', replicas: ['ok'] }]);
    expect(ok.runs).toHaveLength(0);
  });

  it('shows a routing policy only the replicas whose handles are still there', async () => {
    const a = new ControlledBackend({ name: 'a' });
    const b = new ControlledBackend({ name: 'b' });
    const seen: string[][] = [];
    engine = createEngine({
      backends: [a, b],
      config: {
        routing: (replicas: readonly ReplicaView[]) => {
          seen.push(replicas.map((r) => r.backend));
          return replicas[0]!.backend;
        },
      },
    });
    await engine.load('m', { source: 'm', replicas: [{ backend: 'a' }, { backend: 'b' }] });
    await loseHandles(a);
    expect((await engine.infer('m', feedsOf(1))).backend).toBe('b');
    expect(seen).toEqual([['b']]);
  });

  it('never asks a routing policy to choose among no usable replicas', async () => {
    const a = new ControlledBackend({ name: 'a' });
    const b = new ControlledBackend({ name: 'b' });
    let calls = 0;
    engine = createEngine({
      backends: [a, b],
      config: {
        routing: (replicas: readonly ReplicaView[]) => {
          calls += 1;
          return replicas[0]!.backend;
        },
      },
    });
    await engine.load('m', { source: 'm', replicas: [{ backend: 'a' }, { backend: 'b' }] });
    await loseHandles(a);
    await loseHandles(b);
    const error = await rejectionOf(engine.infer('m', feedsOf(1)));
    expect([error.code, error.message, calls]).toEqual(['BACKEND_UNAVAILABLE', 'backend "b" of m@1 is unavailable', 0]);
  });
});

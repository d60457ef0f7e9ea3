import type { Logger } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from '../controlled-backend.fixture';
import { type Engine, createEngine } from '../engine';
import type { ReplicaView } from '../routing-policy';

/** What the victim choice and the holder list of `OUT_OF_MEMORY` (evictor.ts) say about versions in odd states. */
describe('reserveMemory: victims and holders', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  const states = (e: Engine<ControlledLoadOptions>): string[] => e.list().map((i) => `${i.name}@${i.version}:${i.state}`);

  it('never evicts a version with one busy replica and lists it as busy, leaving out lazy versions that hold nothing', async () => {
    const a = new ControlledBackend({ name: 'a', memoryBytes: 100 });
    const b = new ControlledBackend({ name: 'b', memoryBytes: 100 });
    engine = createEngine({ backends: [a, b], config: { maxMemoryBytes: 250 } });
    await engine.load('l', { source: 'l', lazy: true });
    await engine.load('m', { source: 'm', replicas: [{ backend: 'a' }, { backend: 'b' }] });
    a.hold();
    const busy = engine.infer('m', feedsOf(1));
    await a.whenWaiting(1);
    // m's replica on b is idle, the one on a is not: m may not be evicted.
    const error = await rejectionOf(engine.load('x', { source: 'x', backends: ['a'] }));
    a.release();
    expect((await busy).backend).toBe('a');
    expect([error.code, error.message]).toEqual([
      'OUT_OF_MEMORY',
      'loading x@1 on a needs 100 bytes; the budget is 250 bytes and 200 are held by m@1 200 B (busy); nothing idle can be evicted',
    ]);
    expect(states(engine)).toEqual(['l@1:lazy', 'm@1:ready']);
  });

  it('never evicts the version a hot swap replaces, and lists it as idle when the swap does not fit', async () => {
    engine = createEngine({ backends: [new ControlledBackend({ memoryBytes: 100 })], config: { maxMemoryBytes: 150 } });
    await engine.load('m', { source: 'm' });
    const error = await rejectionOf(engine.load('m', { source: 'm', options: { factor: 2 } }));
    expect([error.code, error.message]).toEqual([
      'OUT_OF_MEMORY',
      'loading m@1 on ctl needs 100 bytes; the budget is 150 bytes and 100 are held by m@1 100 B; nothing idle can be evicted',
    ]);
    expect(states(engine)).toEqual(['m@1:ready']);
  });

  it('evicts an idle older version of the same name to load a new one', async () => {
    engine = createEngine({ backends: [new ControlledBackend({ memoryBytes: 100 })], config: { maxMemoryBytes: 150 } });
    await engine.load('m', { source: 'm' });
    await engine.load('m@2', { source: 'm' });
    expect(states(engine)).toEqual(['m@1:evicted', 'm@2:ready']);
    expect(engine.stats()).toMatchObject({ evictions: 1, memory: { heldBytes: 100 } });
  });

  it('lists a replica of a load still under way as loading, with the estimate the next one reserves', async () => {
    const a = new ControlledBackend({ name: 'a', memoryBytes: 100 });
    const b = new ControlledBackend({ name: 'b', memoryBytes: 100 });
    engine = createEngine({ backends: [a, b], config: { maxMemoryBytes: 250 } });
    b.holdLoads();
    const loading = engine.load('m', { source: 'm', replicas: [{ backend: 'a' }, { backend: 'b' }] });
    await vi.waitFor(() => expect(b.loadsHeld).toBe(1));
    const error = await rejectionOf(engine.load('x', { source: 'x', backends: ['a'], options: { memoryBytes: 200 } }));
    b.releaseLoads();
    expect((await loading).state).toBe('ready');
    expect([error.code, error.message]).toEqual([
      'OUT_OF_MEMORY',
      'loading x@1 on a needs 200 bytes; the budget is 250 bytes and 100 are held by m@1 on a 100 B (loading), loading m@1 on b 0 B; nothing idle can be evicted',
    ]);
  });

  it('lists the replica of an unloaded version still finishing its request as draining', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 100 });
    engine = createEngine({ backends: [ctl], config: { maxMemoryBytes: 150 } });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const running = engine.infer('m', feedsOf(1));
    await ctl.whenWaiting(1);
    const unloading = engine.unload('m');
    const error = await rejectionOf(engine.load('x', { source: 'x' }));
    ctl.release();
    expect((await running).outputs.y!.data).toEqual(Float32Array.from([1, 2]));
    await unloading;
    expect([error.code, error.message]).toEqual([
      'OUT_OF_MEMORY',
      'loading x@1 on ctl needs 100 bytes; the budget is 150 bytes and 100 are held by m@1 on ctl 100 B (draining); nothing idle can be evicted',
    ]);
    expect(engine.stats().memory.heldBytes).toBe(0);
  });

  it('never evicts a swapped-in version whose replica serves a request that fell back from the version it replaced', async () => {
    const a = new ControlledBackend({ name: 'a', memoryBytes: 100 });
    const b = new ControlledBackend({ name: 'b', memoryBytes: 100 });
    // A wrongful eviction would wait for b's held run to drain: it releases b, so the test fails instead of hanging.
    let evicted!: () => void;
    const eviction = new Promise<void>((resolve) => (evicted = resolve));
    const logger: Logger = { debug: () => {}, info: (message) => message === 'model evicted' && evicted(), warn: () => {}, error: () => {} };
    engine = createEngine({ backends: [a, b], logger, config: { maxMemoryBytes: 300 } });
    await engine.load('m', { source: 'm', backends: ['a'] });
    a.hold();
    const request = engine.infer('m', feedsOf(1));
    await a.whenWaiting(1);
    // The hot swap adds a replica on b; the old version's run then fails and the request falls back to it.
    await engine.load('m', { source: 'm', replicas: [{ backend: 'a' }, { backend: 'b' }] });
    b.hold();
    a.failNext('BACKEND_ERROR');
    a.release();
    await b.whenWaiting(1);
    await vi.waitFor(() => expect(engine!.stats().memory.heldBytes).toBe(200));
    // The new m@1 counts no request of its own, but its replica on b is busy.
    const loading = rejectionOf(engine.load('x', { source: 'x', backends: ['a'], options: { memoryBytes: 200 } }));
    await Promise.race([loading.catch(() => undefined), eviction]);
    b.release();
    const error = await loading;
    expect(await request).toMatchObject({ backend: 'b', fellBack: { from: 'a', reason: 'BACKEND_ERROR' } });
    expect([error.code, error.message]).toEqual([
      'OUT_OF_MEMORY',
      'loading x@1 on a needs 200 bytes; the budget is 300 bytes and 200 are held by m@1 200 B (busy); nothing idle can be evicted',
    ]);
    expect(states(engine)).toEqual(['m@1:ready']);
  });

  it('never evicts a version a request is being routed to, even while its replicas are still idle', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 100 });
    const handle = await ctl.loadModel('h');
    let registering: Promise<unknown> | undefined;
    engine = createEngine({
      backends: [ctl],
      config: {
        maxMemoryBytes: 150,
        // The policy runs after the request pinned m and before it reached m's replica.
        routing: (replicas: readonly ReplicaView[]) => {
          registering ??= engine!.register('h', handle);
          return replicas[0]!.backend;
        },
      },
    });
    await engine.load('m', { source: 'm' });
    const result = await engine.infer('m', feedsOf(1));
    const error = await rejectionOf(registering!);
    expect([error.code, error.message]).toEqual([
      'OUT_OF_MEMORY',
      'registering h@1 needs 100 bytes; the budget is 150 bytes and 100 are held by m@1 100 B; nothing idle can be evicted',
    ]);
    expect([result.backend, states(engine)]).toEqual(['ctl', ['m@1:ready']]);
    await handle.dispose();
  });
});

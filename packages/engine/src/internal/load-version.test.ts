import type { ModelHandle } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import { ControlledBackend, feedsOf } from '../controlled-backend.fixture';
import { controlledEngines, untilTurns } from '../controlled-engine.fixture';

describe('loadModel and registerHandle', () => {
  const engines = controlledEngines();
  const start = engines.start;

  it('gives SHUT_DOWN naming the version, with the abort as cause, when the engine closes while it loads', async () => {
    const e = start();
    engines.ctl.holdLoads();
    const loading = rejectionOf(e.load('m', { source: 'm' }));
    await untilTurns(() => engines.ctl.loadsHeld === 1);
    const closing = e.close();
    const error = await loading;
    expect([error.code, error.message]).toEqual(['SHUT_DOWN', 'the engine closed while m@1 was loading']);
    expect(error.cause).toBeDefined();
    engines.ctl.releaseLoads();
    await closing;
  });

  it("ends an explicit load when the caller's signal aborts while it loads, and installs nothing", async () => {
    const e = start();
    engines.ctl.holdLoads();
    const caller = new AbortController();
    const loading = rejectionOf(e.load('m', { source: 'm' }, { signal: caller.signal }));
    await untilTurns(() => engines.ctl.loadsHeld === 1);
    caller.abort();
    const error = await loading;
    expect([error.code, error.message]).toEqual(['CANCELLED', 'load of m@1 was cancelled by its signal']);
    expect(e.list()).toEqual([]);
  });

  it('lets the queued requests of the replaced version run when a hot swap retires it (it drains)', async () => {
    const e = start();
    await e.load('m', { source: 'm', maxConcurrent: 1 });
    engines.ctl.hold();
    const running = e.infer('m', feedsOf(3));
    await engines.ctl.whenWaiting(1);
    const queued = e.infer('m', feedsOf(5));
    await e.load('m', { source: 'm', options: { factor: 2 } });
    engines.ctl.release();
    expect(Array.from((await running).outputs.y!.data as Float32Array)).toEqual([3, 4]);
    expect(Array.from((await queued).outputs.y!.data as Float32Array)).toEqual([5, 6]);
  });

  it('refuses a register whose signal was aborted, naming the register', async () => {
    const e = start();
    const handle = await engines.ctl.loadModel('h');
    const error = await rejectionOf(e.register('h', handle, { signal: AbortSignal.abort() }));
    expect([error.code, error.message]).toEqual(['CANCELLED', 'register of h was cancelled by its signal']);
  });

  it('refuses a handle whose signature is null', async () => {
    const e = start();
    const handle = { ...(await engines.ctl.loadModel('h')), signature: null } as unknown as ModelHandle;
    const error = await rejectionOf(e.register('h', handle));
    expect([error.code, error.message]).toEqual(['INVALID_INPUT', 'register "h": handle is not a ModelHandle']);
  });

  it('charges nothing for a handle reporting negative memory', async () => {
    const e = start();
    const info = await e.register('h', await engines.ctl.loadModel('h', { memoryBytes: -5 }));
    expect([info.memoryBytes, info.memory.bytes]).toEqual([0, 0]);
  });

  it('stops routing to a registered handle disposed by its owner: BACKEND_UNAVAILABLE', async () => {
    const e = start();
    const handle = await engines.ctl.loadModel('h');
    await e.register('h', handle);
    await handle.dispose();
    const error = await rejectionOf(e.infer('h', feedsOf(1)));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(engines.ctl.runs).toEqual([]);
  });

  it('names a busy registered handle as a holder when another model does not fit', async () => {
    const e = start({ maxMemoryBytes: 1500 });
    await e.register('h', await engines.ctl.loadModel('h'));
    engines.ctl.hold();
    const running = e.infer('h', feedsOf(1));
    await engines.ctl.whenWaiting(1);
    const error = await rejectionOf(e.load('m', { source: 'm' }));
    expect(error.code).toBe('OUT_OF_MEMORY');
    expect(error.message).toContain('held by h@1 1000 B (busy)');
    engines.ctl.release();
    await running;
  });

  it('names the replaced handle, still draining a run, as a holder when another model does not fit', async () => {
    const e = start({ maxMemoryBytes: 1500 });
    await e.register('h', await engines.ctl.loadModel('h'));
    engines.ctl.hold();
    const old = e.infer('h', feedsOf(1));
    await engines.ctl.whenWaiting(1);
    await e.register('h', await engines.ctl.loadModel('h2', { memoryBytes: 0 }));
    const current = e.infer('h', feedsOf(2));
    await engines.ctl.whenWaiting(2);
    const error = await rejectionOf(e.load('m', { source: 'm' }));
    expect(error.code).toBe('OUT_OF_MEMORY');
    expect(error.message).toContain('held by h@1 0 B (busy), h@1 on ctl 1000 B (draining)');
    engines.ctl.release();
    await Promise.all([old, current]);
  });
});

describe('loadModel racing unload', () => {
  const engines = controlledEngines();

  it('never brings back a name whose unload resolved, whichever step of a hot swap the unload came at', async () => {
    const e = engines.start();
    await e.load('m', { source: 'm' });
    const outcomes = new Set<string>();
    // The step is counted in microtasks from the moment the backend's load returns: the swap then only awaits promises.
    for (let step = 0; step < 80; step++) {
      engines.ctl.holdLoads();
      const swap = e.load('m', { source: 'm', options: { factor: 2 } }).then(
        () => 'installed',
        (error: { code: string }) => error.code,
      );
      await untilTurns(() => engines.ctl.loadsHeld === 1);
      engines.ctl.releaseLoads();
      for (let i = 0; i < step; i++) await Promise.resolve();
      await e.unload('m');
      outcomes.add(await swap);
      expect([step, e.list()]).toEqual([step, []]);
      await e.load('m', { source: 'm' });
    }
    // The steps reach from the swap still loading (cancelled) to the swap already installed (then unloaded).
    expect([...outcomes].sort()).toEqual(['CANCELLED', 'installed']);
  });
});

describe('registerHandle', () => {
  const engines = controlledEngines();

  it('refuses a handle without a signature object', async () => {
    const e = engines.start();
    for (const signature of [undefined, 'x']) {
      const handle = { ...(await engines.ctl.loadModel('h')), signature } as unknown as ModelHandle;
      const error = await rejectionOf(e.register('h', handle));
      expect([error.code, error.message]).toEqual(['INVALID_INPUT', 'register "h": handle is not a ModelHandle']);
    }
    expect(e.list()).toEqual([]);
  });

  it('names its registration as a holder while it waits for the model it evicted to be freed', async () => {
    const e = engines.start({ maxMemoryBytes: 1500 });
    let free!: () => void;
    const victim = await engines.ctl.loadModel('v');
    const slow = Object.assign(Object.create(victim) as ModelHandle, { dispose: () => new Promise<void>((resolve) => (free = resolve)) });
    await e.register('v', slow);
    const registering = e.register('h', await engines.ctl.loadModel('h'));
    await untilTurns(() => free !== undefined);
    const error = await rejectionOf(e.load('m', { source: 'm' }));
    free();
    expect((await registering).name).toBe('h');
    expect([error.code, error.message]).toEqual([
      'OUT_OF_MEMORY',
      'loading m@1 on ctl needs 1000 bytes; the budget is 1500 bytes and 1000 are held by registering h@1 1000 B; nothing idle can be evicted',
    ]);
  });

  it('gives SHUT_DOWN, and leaves the handle to the caller, when the engine closes while it reserves memory', async () => {
    const e = engines.start();
    // A backend of the caller's own: the engine's backends are disposed with the engine, and their handles with them.
    const handle = await new ControlledBackend().loadModel('h');
    const registering = rejectionOf(e.register('h', handle));
    const closing = e.close();
    const error = await registering;
    expect([error.code, error.message]).toEqual(['SHUT_DOWN', 'register of "h": the engine is closed']);
    await closing;
    expect(handle.disposed).toBe(false);
  });
});

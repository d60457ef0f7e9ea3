import type { ModelHandle } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { type Engine, createEngine } from './engine';

describe('Engine register', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  const ctl = new ControlledBackend();
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  function start(config = {}): Engine<ControlledLoadOptions> {
    engine = createEngine({ backends: [], config });
    return engine;
  }

  it('serves a handle under name@version, the version option, else the newest version (a hot swap) or 1 for a new name', async () => {
    const e = start();
    expect((await e.register('own@4', await ctl.loadModel('a'))).version).toBe(4);
    expect((await e.register('own', await ctl.loadModel('b'), { version: 7 })).version).toBe(7);
    expect((await e.register('fresh', await ctl.loadModel('c'))).version).toBe(1);
    expect(e.info('own').versions).toEqual([4, 7]);
    expect((await e.register('own', await ctl.loadModel('d', { factor: 5 }))).version).toBe(7);
    expect([e.info('own').versions, e.info('own@7').metadata.factor]).toEqual([[4, 7], '5']);
    const result = await e.infer('own@4', feedsOf(1));
    expect([result.backend, result.version, result.model]).toEqual(['ctl', 4, 'own']);
  });

  it('shows what a handle reports: device, memory (or that it reports none), metadata and signature', async () => {
    const e = start();
    const silent = Object.assign(Object.create(await ctl.loadModel('quiet')) as ModelHandle, { memoryBytes: 0 });
    const info = await e.register('quiet', silent);
    expect(info.replicas).toEqual([
      { backend: 'ctl', device: 'cpu', memoryBytes: 0, memory: { bytes: 0, estimated: true, basis: 'the handle reports no memory; nothing is charged' }, instances: { count: 1, mode: 'inline' }, queued: 0, running: 0 },
    ]);
    const loud = await e.register('loud', await ctl.loadModel('loud', { memoryBytes: 321 }));
    expect([loud.memory, loud.metadata, loud.signature?.inputs.map((i) => i.name)]).toEqual([{ bytes: 321, estimated: false }, { model: 'loud', factor: '1' }, ['x']]);
    expect(e.stats().memory.heldBytes).toBe(321);
  });

  it('refuses what is not a usable handle with INVALID_INPUT naming the registration and the field', async () => {
    const e = start();
    const disposed = await ctl.loadModel('gone');
    await disposed.dispose();
    const noSignature = Object.assign(Object.create(await ctl.loadModel('x')) as ModelHandle, { signature: null });
    for (const [handle, message] of [
      [{ run: 1 }, 'register "h": handle is not a ModelHandle'],
      [null, 'register "h": handle is not a ModelHandle'],
      [noSignature, 'register "h": handle is not a ModelHandle'],
      [disposed, 'register "h": the handle was disposed'],
    ] as const) {
      const error = await rejectionOf(e.register('h', handle as never));
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', message, { field: 'handle' }]);
    }
    expect(e.list()).toEqual([]);
  });

  it('names the budget when a handle does not fit, and the caller keeps the handle', async () => {
    const e = start({ maxMemoryBytes: 100 });
    const big = await ctl.loadModel('big', { memoryBytes: 1000 });
    const error = await rejectionOf(e.register('big', big));
    expect(error.code).toBe('OUT_OF_MEMORY');
    expect(error.message).toContain('registering big@1');
    expect(big.disposed).toBe(false);
    expect(e.list()).toEqual([]);
  });
});

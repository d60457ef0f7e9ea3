import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions } from './controlled-backend.fixture';
import { type Engine, createEngine } from './engine';

describe('Engine load: which version', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  function start(): Engine<ControlledLoadOptions> {
    engine = createEngine({ backends: [new ControlledBackend({ name: 'a' }), new ControlledBackend({ name: 'b' })] });
    return engine;
  }

  it('takes the version from the name, else spec.version, else the newest one (a hot swap), else 1', async () => {
    const e = start();
    expect((await e.load('m', { source: 'm' })).version).toBe(1);
    expect((await e.load('m', { source: 'm', version: 5 })).version).toBe(5);
    expect((await e.load('m@3', { source: 'm', version: 3 })).version).toBe(3);
    expect((await e.load('m', { source: 'm', options: { factor: 2 } })).version).toBe(5);
    expect([e.info('m').versions, e.info('m@5').metadata.factor]).toEqual([[1, 3, 5], '2']);
  });

  it('refuses a spec.version that contradicts the name, naming both', async () => {
    const e = start();
    const error = await rejectionOf(e.load('m@2', { source: 'm', version: 3 }));
    expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', 'spec.version 3 contradicts the name "m@2"', { field: 'spec.version' }]);
    expect(e.list()).toEqual([]);
  });

  it('refuses a lazy spec naming a backend the engine lacks at once, in replicas as in backends', async () => {
    const e = start();
    const inReplicas = await rejectionOf(e.load('m', { source: 'm', lazy: true, replicas: [{ backend: 'a' }, { backend: 'zz' }] }));
    expect([inReplicas.code, inReplicas.message]).toEqual(['BACKEND_UNAVAILABLE', 'unknown backend "zz"; the engine has "a", "b"']);
    const inBackends = await rejectionOf(e.load('n', { source: 'n', lazy: true, backends: ['yy'] }));
    expect(inBackends.message).toBe('unknown backend "yy"; the engine has "a", "b"');
    expect((await e.load('ok', { source: 'o', lazy: true, replicas: [{ backend: 'b' }] })).state).toBe('lazy');
  });

  it('answers CANCELLED naming the load when its signal is already aborted, and loads nothing', async () => {
    const e = start();
    const stop = new AbortController();
    stop.abort(new Error('no'));
    const error = await rejectionOf(e.load('m', { source: 'm' }, { signal: stop.signal }));
    expect([error.code, error.message]).toEqual(['CANCELLED', expect.stringContaining('load of m')]);
    expect(e.list()).toEqual([]);
  });
});

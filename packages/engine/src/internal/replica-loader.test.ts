import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Backend, BackendInfo } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions } from '../controlled-backend.fixture';
import { type Engine, createEngine } from '../engine';
import { createTestBackend } from '../workers/test-backend.fixture';

const FIXTURE = pathToFileURL(resolve(import.meta.dirname, '../workers/test-backend.fixture.ts')).href;

/** A backend whose init throws a plain Error, not an InferoxError. */
class PlainFailure extends ControlledBackend {
  override init(): Promise<BackendInfo> {
    return Promise.reject(new Error('no driver'));
  }

  override async isAvailable(): Promise<boolean> {
    return false;
  }
}

describe('loadVersion', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('names every backend that failed to initialise, separated, with the first as cause, when no replica loads', async () => {
    engine = createEngine({ backends: [new ControlledBackend({ name: 'a', failInit: 'a is down' }), new PlainFailure({ name: 'b' })] });
    const error = await rejectionOf(engine.load('m', { source: 'm', backends: ['a', 'b'] }));
    expect([error.code, error.message, error.details]).toEqual([
      'BACKEND_UNAVAILABLE',
      'no replica of m@1 could load: backend "a" failed to initialise: a is down; backend "b" failed to initialise: no driver',
      { model: 'm', backends: ['a', 'b'] },
    ]);
    expect((error.cause as Error).message).toBe('backend "a" failed to initialise: a is down');
  });

  it('releases the memory of the replicas already loaded when a later one fails', async () => {
    engine = createEngine({ backends: [new ControlledBackend()] });
    const error = await rejectionOf(engine.load('m', { source: 'm', replicas: [{ backend: 'ctl' }, { backend: 'ctl', options: { fail: true } }] }));
    expect(error.code).toBe('PACKAGE_INVALID');
    expect([engine.list(), engine.stats().memory.heldBytes]).toEqual([[], 0]);
  });

  it('shows an unavailable replica of a worker-mode version with the mode of the spec', async () => {
    const worker: Backend = { ...(await createTestBackend()), factorySpec: { module: FIXTURE, factory: 'createTestBackend', options: {}, interruptible: true } };
    const e = createEngine({ backends: [worker, new ControlledBackend({ name: 'down', failInit: 'down' })] });
    try {
      const info = await e.load('w', { source: 'test-model', backends: ['test', 'down'], instances: { count: 1, mode: 'worker' } });
      expect(info.replicas.map((r) => [r.backend, r.instances])).toEqual([
        ['test', { count: 1, mode: 'worker' }],
        ['down', { count: 0, mode: 'worker' }],
      ]);
    } finally {
      await e.close();
    }
  });
});

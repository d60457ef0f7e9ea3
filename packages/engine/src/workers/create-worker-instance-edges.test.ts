import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Tensor } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type WorkerInstance, type WorkerInstanceOptions, createWorkerInstance } from './create-worker-instance';
import { feeds, recordingLogger, spec } from './worker-instance.fixture';

const MANAGED_BACKEND = resolve(import.meta.dirname, 'internal/managed-backend.fixture.ts');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A path in a temp dir removed when the test ends, for the test backend's `failLoadIfExists` and `holdLoadWhileExists`. */
function markerPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'inferox-worker-'));
  dirs.push(dir);
  return join(dir, 'marker');
}

describe('createWorkerInstance checks its arguments', () => {
  it.each<[string, unknown, WorkerInstanceOptions, string, Record<string, unknown>]>([
    ['no spec at all', undefined, {}, 'worker model spec: backend.module must be a non-empty string, got undefined', { field: 'backend.module' }],
    ['a spec without backend', { source: 'm' }, {}, 'worker model spec: backend.module must be a non-empty string, got undefined', { field: 'backend.module' }],
    ['a module that is not text', { backend: { module: 5, factory: 'f' }, source: 'm' }, {}, 'worker model spec: backend.module must be a non-empty string, got 5', { field: 'backend.module' }],
    ['an empty factory', { backend: { module: 'm', factory: '' }, source: 'm' }, {}, 'worker model spec: backend.factory must be a non-empty string, got ""', { field: 'backend.factory' }],
    ['runTimeoutMs 0', spec(), { runTimeoutMs: 0 }, 'runTimeoutMs must be a positive finite number of ms, got 0', { runTimeoutMs: 0 }],
    ['runTimeoutMs NaN', spec(), { runTimeoutMs: Number.NaN }, 'runTimeoutMs must be a positive finite number of ms, got NaN', { runTimeoutMs: Number.NaN }],
    ['runTimeoutMs as text', spec(), { runTimeoutMs: '5' as never }, 'runTimeoutMs must be a positive finite number of ms, got 5', { runTimeoutMs: '5' }],
  ])('rejects %s with INVALID_INPUT naming the field and the value', async (_what, given, options, message, details) => {
    const error = await rejectionOf(createWorkerInstance(given as never, options));
    expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', message, details]);
  });

  it.each([
    ['source', { source: { path: 'm', at: () => 1 } as never }],
    ['load options', { options: { name: 'm', at: () => 1 } as never }],
  ])('rejects %s that cannot be sent to a worker with INVALID_INPUT naming the backend module, the clone error as cause', async (_what, extra) => {
    const error = await rejectionOf(createWorkerInstance(spec({}, extra)));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/^worker model spec for ".*test-backend\.fixture\.ts" cannot be sent to a worker: .*could not be cloned/);
    expect((error.cause as Error).name).toBe('DataCloneError');
  });

  it('accepts a fraction of a ms as runTimeoutMs', async () => {
    const instance = await createWorkerInstance(spec(), { runTimeoutMs: 0.5 });
    await instance.dispose();
    expect(instance.disposed).toBe(true);
  });
});

describe('createWorkerInstance loading with options', () => {
  it('hands the load options to the backend in the worker', async () => {
    const instance = await createWorkerInstance(spec({}, { options: { name: 'named' } }));
    try {
      expect(instance.metadata.loadName).toBe('named');
    } finally {
      await instance.dispose();
    }
  });

  it('rejects with CANCELLED naming the model when the signal aborted before the call', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejectionOf(createWorkerInstance(spec(), { signal: controller.signal }));
    expect([error.code, error.message]).toEqual(['CANCELLED', 'loading model test-model in a worker was cancelled by its signal']);
  });

  it('stops a load that would not end by itself and rejects with CANCELLED naming the model when the signal aborts', async () => {
    const controller = new AbortController();
    const hold = markerPath();
    writeFileSync(hold, '');
    const loading = createWorkerInstance(spec({ holdLoadWhileExists: hold }, { options: { name: 'held' } }), { signal: controller.signal });
    controller.abort();
    const error = await rejectionOf(loading);
    expect([error.code, error.message]).toEqual(['CANCELLED', 'loading model held in a worker was cancelled by its signal']);
  });

  it('keeps its worker when the signal aborts after the load', async () => {
    const controller = new AbortController();
    const instance = await createWorkerInstance(spec(), { signal: controller.signal });
    try {
      controller.abort();
      expect((await instance.run(feeds('echo', [5]))).x!.toArray()).toEqual([5]);
      expect(instance.restarts).toBe(0);
    } finally {
      await instance.dispose();
    }
  });
});

describe('WorkerInstance runs', () => {
  let instance: WorkerInstance;
  beforeAll(async () => {
    instance = await createWorkerInstance(spec());
  });
  afterAll(async () => {
    await instance?.dispose();
  });

  it('rejects with CANCELLED naming the model when the signal aborted before the run', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejectionOf(instance.run(feeds('echo'), { signal: controller.signal }));
    expect([error.code, error.message]).toEqual(['CANCELLED', 'run of model test-model was cancelled by its signal']);
  });

  it('has the worker check the feeds against the signature unless the caller says it did', async () => {
    // The managed backend's model is a core ManagedModelHandle, the kind whose checks the validated flag skips.
    const managed = await createWorkerInstance({ backend: { module: MANAGED_BACKEND, factory: 'createManagedBackend', options: {} }, source: 'ids' });
    try {
      const error = await rejectionOf(managed.run({ ids: Tensor.from('int64', [12n], [1]) }));
      expect([error.code, error.message]).toEqual(['INVALID_INPUT', expect.stringContaining('ids')]);
      const out = await managed.run({ ids: Tensor.from('int64', [12n], [1]) }, { validated: true });
      expect(out.y!.toArray()).toEqual([12]);
    } finally {
      await managed.dispose();
    }
  });

  it('reads no stop source for a run its loaded worker answers before the first look at the stops', async () => {
    // The looks at the stop sources wait on setTimeout: with it faked they never come, however slow the machine.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let reads = 0;
    const stop = {
      get signal() {
        reads++;
        return new AbortController().signal;
      },
    };
    try {
      expect((await instance.run(feeds('echo', [4]), { stop })).x!.toArray()).toEqual([4]);
    } finally {
      vi.useRealTimers();
    }
    expect(reads).toBe(0);
  });
});

describe('WorkerInstance replacement', () => {
  it('logs each death with the model, its cause and the restart count, and each replacement', async () => {
    const logger = recordingLogger();
    const instance = await createWorkerInstance(spec(), { logger });
    try {
      for (const x of [1, 2]) {
        await rejectionOf(instance.run(feeds('exit')));
        expect((await instance.run(feeds('echo', [x]))).x!.toArray()).toEqual([x]);
      }
      const death = (restarts: number) => ({
        level: 'warn',
        message: 'model worker died; replacing it',
        fields: { model: 'test-model', cause: 'the worker of model test-model failed while running: the worker thread exited with code 7', restarts },
      });
      const replaced = (restarts: number) => ({ level: 'info', message: 'model worker replaced', fields: { model: 'test-model', restarts } });
      expect(logger.lines).toEqual([death(1), replaced(1), death(2), replaced(2)]);
    } finally {
      await instance.dispose();
    }
  });

  it('logs a replacement that fails to load with the model and the load error, and disposes with no worker left', async () => {
    const logger = recordingLogger();
    const refuse = markerPath();
    const flaky = await createWorkerInstance(spec({ failLoadIfExists: refuse }), { logger });
    writeFileSync(refuse, '');
    await rejectionOf(flaky.run(feeds('exit')));
    expect((await rejectionOf(flaky.run(feeds('echo')))).message).toContain('could not be replaced');
    expect(logger.lines.slice(1)).toEqual([
      { level: 'error', message: 'replacement model worker failed to load', fields: { model: 'test-model', cause: expect.stringContaining(`refused to load: ${refuse} exists`) } },
    ]);
    await flaky.dispose();
    expect(flaky.disposed).toBe(true);
  });

  it('logs no load failure of a replacement that dispose stopped', async () => {
    const hold = markerPath();
    const logger = recordingLogger();
    const instance = await createWorkerInstance(spec({ holdLoadWhileExists: hold }), { logger });
    writeFileSync(hold, '');
    await rejectionOf(instance.run(feeds('exit')));
    const waiting = rejectionOf(instance.run(feeds('echo')));
    await instance.dispose();
    expect((await waiting).code).toBe('DISPOSED');
    expect(logger.lines.map((l) => l.level)).toEqual(['warn']);
  });
});

import { getEventListeners } from 'node:events';
import { rejectionOf, thrownBy } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import { ControlledBackend, feedsOf } from './controlled-backend.fixture';
import { controlledEngines } from './controlled-engine.fixture';
import { createEngine } from './engine';

// What the engine's façade answers to arguments it cannot take: INVALID_INPUT naming the argument (message and
// details.field), before anything is loaded or queued, and SHUT_DOWN naming the operation once closed.
describe('Engine arguments', () => {
  const engines = controlledEngines();
  const start = engines.start;

  it('createEngine answers INVALID_INPUT naming backends when its options are no { backends: Backend[] }', () => {
    for (const options of [undefined, null, 'ctl', {}, { backends: 'ctl' }]) {
      const error = thrownBy(() => createEngine(options as never));
      expect([error.code, error.message, error.details], JSON.stringify(options)).toEqual(['INVALID_INPUT', 'createEngine needs { backends: Backend[] }', { field: 'backends' }]);
    }
  });

  it('createEngine answers INVALID_INPUT naming the index of a backends entry that is no Backend', () => {
    for (const [what, bad] of [
      ['null', null],
      ['a backend without a name', { loadModel: (): void => undefined }],
      ['a backend whose name is not a string', { name: 5, loadModel: (): void => undefined }],
      ['a backend without loadModel', { name: 'x' }],
    ] as const) {
      const error = thrownBy(() => createEngine({ backends: [new ControlledBackend(), bad as never] }));
      expect([error.code, error.message, error.details], what).toEqual(['INVALID_INPUT', 'backends[1] is not a Backend (needs name and loadModel)', { field: 'backends[1]' }]);
    }
  });

  it('registers a handle as version 1 when asked, and refuses a version below 1 naming options.version', async () => {
    const e = start();
    const ctl = engines.ctl;
    expect((await e.register('one', await ctl.loadModel('a'), { version: 1 })).version).toBe(1);
    const error = await rejectionOf(e.register('zero', await ctl.loadModel('b'), { version: 0 }));
    expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', 'options.version: must be a positive integer, got 0', { field: 'options.version' }]);
  });

  it('unloads at once when unload is given timeoutMs 0', async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    await e.unload('m', { timeoutMs: 0 });
    expect([e.list(), engines.ctl.live.size]).toEqual([[], 0]);
  });

  it('answers INVALID_INPUT naming feeds, and runs nothing, when the feeds are not an object of tensors', async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    for (const [feeds, kind] of [
      [null, 'null'],
      ['x', 'a string'],
      [5, 'a number'],
      [[feedsOf(1).x], 'an array'],
    ] as const) {
      const error = await rejectionOf(e.infer('m', feeds as never));
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', `feeds must be an object of tensors by input name, got ${kind}`, { field: 'feeds' }]);
    }
    expect(engines.ctl.runs).toEqual([]);
  });

  it('answers INVALID_INPUT naming feedsList when inferBatch or inferStream get no array', async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    const batch = await rejectionOf(e.inferBatch('m', feedsOf(1) as never));
    expect([batch.code, batch.message, batch.details]).toEqual(['INVALID_INPUT', 'inferBatch needs an array of feeds, got an object', { field: 'feedsList' }]);
    const stream = thrownBy(() => e.inferStream('m', 'x' as never));
    expect([stream.code, stream.message, stream.details]).toEqual(['INVALID_INPUT', 'inferStream needs an array of feeds, got a string', { field: 'feedsList' }]);
  });

  it('answers INVALID_INPUT naming the model name when it is not a string', async () => {
    const e = start();
    for (const name of [5, null]) {
      const error = await rejectionOf(e.infer(name as never, feedsOf(1)));
      expect([error.code, error.message]).toEqual(['INVALID_INPUT', `model name must be a non-empty string, got ${String(name)}`]);
    }
  });

  it('turns an error that is no InferoxError into INTERNAL naming the request by at most 200 characters of its name', async () => {
    const e = start();
    const name = 'm'.repeat(300);
    const options = {
      get timeoutMs(): number {
        throw new Error('the getter broke');
      },
    };
    const error = await rejectionOf(e.infer(name, feedsOf(1), options));
    expect([error.code, error.message]).toEqual(['INTERNAL', `request to ${'m'.repeat(200)}: the getter broke`]);
  });

  it('answers CANCELLED naming the request, without loading a lazy model, when the signal is already aborted', async () => {
    const e = start();
    await e.load('m', { source: 'm', lazy: true });
    const stop = new AbortController();
    stop.abort(new Error('no longer wanted'));
    const error = await rejectionOf(e.infer('m', feedsOf(1), { signal: stop.signal }));
    expect([error.code, error.message]).toEqual(['CANCELLED', 'request to m was cancelled by its signal']);
    expect([engines.ctl.loads, e.info('m').state]).toEqual([0, 'lazy']);
  });

  it("leaves no listener on the caller's signal once inferBatch has settled", async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    const signal = new AbortController().signal;
    const results = await e.inferBatch('m', [feedsOf(1), feedsOf(2)], { signal });
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('answers SHUT_DOWN naming register and session once closed, and INVALID_INPUT naming a bad close option', async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    const handle = await engines.ctl.loadModel('n');
    const badTimeout = await rejectionOf(e.close({ timeoutMs: -1 }));
    expect([badTimeout.code, badTimeout.message, badTimeout.details]).toEqual(['INVALID_INPUT', 'options.timeoutMs: must be a number of milliseconds ≥ 0, got -1', { field: 'options.timeoutMs' }]);
    const badDrain = await rejectionOf(e.close({ drain: 1 } as never));
    expect([badDrain.code, badDrain.message, badDrain.details]).toEqual(['INVALID_INPUT', 'options.drain: must be a boolean, got 1', { field: 'options.drain' }]);
    await e.close({ timeoutMs: 0 });
    const register = await rejectionOf(e.register('n', handle));
    expect([register.code, register.message]).toEqual(['SHUT_DOWN', 'register of "n": the engine is closed']);
    const session = thrownBy(() => e.session('m'));
    expect([session.code, session.message]).toEqual(['SHUT_DOWN', 'session on "m": the engine is closed']);
  });
});

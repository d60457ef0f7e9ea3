import { resolve } from 'node:path';
import { MessageChannel, type MessagePort, threadId } from 'node:worker_threads';
import { Tensor } from '@inferox/core';
import { afterEach, describe, expect, it } from 'vitest';
import { managedGate, managedRuns } from './managed-backend.fixture';
import type { FromWorker, PortLike, ToWorker, WorkerLoadSpec } from './protocol';
import { serveModel } from './serve-model';
import { flattenTensors, unflattenTensors } from './flat-wire';
import { decodeTensors, encodeTensors } from './tensor-wire';

const TEST_BACKEND = resolve(import.meta.dirname, '../test-backend.fixture.ts');
const MANAGED_BACKEND = resolve(import.meta.dirname, './managed-backend.fixture.ts');
const testSpec: WorkerLoadSpec = { backend: { module: TEST_BACKEND, factory: 'createTestBackend', options: {} }, source: 'in-thread' };
const managedSpec: WorkerLoadSpec = { backend: { module: MANAGED_BACKEND, factory: 'createManagedBackend', options: {} }, source: 'ids' };

const channels: MessagePort[] = [];
afterEach(() => {
  for (const port of channels.splice(0)) port.close();
});

/** Runs the worker side on this thread over a MessageChannel (or a plain `PortLike` around one) and records its answers. */
function serve(load: WorkerLoadSpec, wrap = false) {
  const { port1, port2 } = new MessageChannel();
  channels.push(port1, port2);
  const inbox: FromWorker[] = [];
  const waiting: ((m: FromWorker) => void)[] = [];
  port2.on('message', (m: FromWorker) => {
    const waiter = waiting.shift();
    if (waiter) waiter(m);
    else inbox.push(m);
  });
  const port: PortLike = wrap
    ? { postMessage: (m, transfer) => port1.postMessage(m, transfer), on: (e, l) => port1.on(e, l), off: (e, l) => port1.off(e, l) }
    : port1;
  return {
    served: serveModel(port, load),
    next: (): Promise<FromWorker> => (inbox.length > 0 ? Promise.resolve(inbox.shift()!) : new Promise((r) => waiting.push(r))),
    send: (m: ToWorker) => port2.postMessage(m),
    /** How many answers arrived and were not taken yet. */
    pending: () => inbox.length,
  };
}

const ids = (...values: bigint[]) => ({ ids: Tensor.from('int64', values, [values.length]) });

describe('serveModel protocol', () => {
  it('answers ready with exactly the model facts, metadata included', async () => {
    const s = serve(testSpec);
    expect(await s.next()).toEqual({
      type: 'ready',
      model: {
        signature: { inputs: [{ name: 'x', dtype: 'float32', shape: null }], outputs: [{ name: 'x', dtype: 'float32', shape: null }] },
        metadata: { thread: String(threadId) },
        memoryBytes: 1234,
        device: { kind: 'cpu' },
        // A handle that says nothing does not batch.
        batchable: false,
      },
    });
    s.send({ type: 'close' });
    await s.served;
  });

  it.each([
    ['yes', 'must be a boolean, got "yes"'],
    [true, 'is true, but its signature has no batch dimension'],
  ])('answers load-error with BACKEND_ERROR naming batchable when the handle says batchable: %j', async (bad, why) => {
    const s = serve({ ...testSpec, backend: { ...testSpec.backend, options: { handleBatchable: bad } } });
    expect(await s.next()).toMatchObject({
      type: 'load-error',
      error: { code: 'BACKEND_ERROR', message: expect.stringContaining(`batchable of the handle backend "test" loaded ${why}`), details: { field: 'batchable' } },
    });
  });

  it('answers load-error with the module and factory in its details, and the factory named in its message', async () => {
    const missing = serve({ ...testSpec, backend: { ...testSpec.backend, module: '/nonexistent/module.mjs' } });
    expect(await missing.next()).toMatchObject({ type: 'load-error', error: { code: 'BACKEND_UNAVAILABLE', details: { module: '/nonexistent/module.mjs' } } });
    const noFactory = serve({ ...testSpec, backend: { ...testSpec.backend, factory: 'nope' } });
    expect(await noFactory.next()).toMatchObject({ type: 'load-error', error: { details: { module: TEST_BACKEND, factory: 'nope' } } });
    const throwing = serve({ ...testSpec, backend: { ...testSpec.backend, options: { failFactory: true } } });
    const answer = (await throwing.next()) as Extract<FromWorker, { type: 'load-error' }>;
    expect(answer.error.message).toBe(`createTestBackend of ${JSON.stringify(TEST_BACKEND)}: the test backend factory was told to fail`);
  });

  it('skips checking the feeds of a flat run the main thread validated, and checks every other run', async () => {
    const s = serve(managedSpec);
    await s.next();
    s.send({ type: 'run', id: 1, flat: flattenTensors(ids(99n), false).flat, quiet: true, validated: true });
    const answer = (await s.next()) as Extract<FromWorker, { type: 'flat-result' }>;
    expect([answer.type, unflattenTensors(answer.flat).y!.toArray()]).toEqual(['flat-result', [99]]);
    s.send({ type: 'run', id: 2, flat: flattenTensors(ids(99n), false).flat, quiet: true });
    expect(await s.next()).toMatchObject({ type: 'run-error', id: 2, error: { code: 'INVALID_INPUT' } });
    s.send({ type: 'run', id: 3, feeds: encodeTensors(ids(99n), false).tensors, quiet: true, validated: true });
    expect(await s.next()).toMatchObject({ type: 'run-error', id: 3, error: { code: 'INVALID_INPUT' } });
    s.send({ type: 'close' });
    await s.served;
  });

  it('moves the outputs to the main thread and disposes the feeds and outputs once answered, flat or not', async () => {
    const s = serve(managedSpec);
    await s.next();
    managedRuns.length = 0;
    s.send({ type: 'run', id: 1, flat: flattenTensors(ids(1n, 2n), false).flat, quiet: true });
    const flat = (await s.next()) as Extract<FromWorker, { type: 'flat-result' }>;
    s.send({ type: 'run', id: 2, feeds: encodeTensors(ids(3n), false).tensors, quiet: true });
    const plain = (await s.next()) as Extract<FromWorker, { type: 'result' }>;
    expect(unflattenTensors(flat.flat).y!.toArray()).toEqual([1, 2]);
    expect(decodeTensors(plain.outputs).y!.toArray()).toEqual([3]);
    expect(managedRuns.map((r) => [r.data.byteLength, r.output.disposed, r.feeds.ids!.disposed])).toEqual([
      [0, true, true],
      [0, true, true],
    ]);
    s.send({ type: 'close' });
    await s.served;
  });

  it('runs a run message without feeds on no feeds', async () => {
    const s = serve(testSpec);
    await s.next();
    s.send({ type: 'run', id: 1, quiet: true });
    const answer = (await s.next()) as Extract<FromWorker, { type: 'result' }>;
    expect(answer.type).toBe('result');
    expect(answer.outputs.map((o) => o.name)).toEqual(['thread']);
    s.send({ type: 'close' });
    await s.served;
  });

  it('stops listening when closed: a run sent right after close is never answered', async () => {
    const s = serve(testSpec);
    await s.next();
    s.send({ type: 'close' });
    s.send({ type: 'run', id: 1, flat: flattenTensors({ x: Tensor.from('float32', [1], [1]) }, false).flat });
    expect(await s.next()).toEqual({ type: 'closed' });
    await s.served;
    // Port messages are delivered in the poll phase, before immediates: a run still handled would have answered by now.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(s.pending()).toBe(0);
  });

  it('aborts a run in progress with DISPOSED naming the model when closed', async () => {
    const s = serve(testSpec);
    await s.next();
    s.send({ type: 'run', id: 1, quiet: true, feeds: encodeTensors({ mode: Tensor.from('string', ['wait-abort'], [1]) }, false).tensors });
    s.send({ type: 'close' });
    const answer = (await s.next()) as Extract<FromWorker, { type: 'run-error' }>;
    expect([answer.type, answer.error.code, answer.error.message]).toEqual(['run-error', 'DISPOSED', 'model in-thread is closing']);
    expect(await s.next()).toEqual({ type: 'closed' });
    await s.served;
  });

  it('ignores a message of a type it does not know', async () => {
    const s = serve(testSpec);
    await s.next();
    s.send({ type: 'ping' } as unknown as ToWorker);
    s.send({ type: 'run', id: 1, quiet: true });
    expect(await s.next()).toMatchObject({ type: 'result', id: 1 });
    s.send({ type: 'close' });
    expect(await s.next()).toEqual({ type: 'closed' });
    await s.served;
  });

  it('serves flat runs over a port that is not a MessagePort, without looking ahead on it', async () => {
    const s = serve(testSpec, true);
    await s.next();
    s.send({ type: 'run', id: 1, flat: flattenTensors({ x: Tensor.from('float32', [5], [1]) }, false).flat, quiet: true });
    const answer = (await s.next()) as Extract<FromWorker, { type: 'flat-result' }>;
    expect([answer.type, unflattenTensors(answer.flat).x!.toArray()]).toEqual(['flat-result', [5]]);
    s.send({ type: 'close' });
    expect(await s.next()).toEqual({ type: 'closed' });
    await s.served;
  });

  it('takes no run off the port once closed: a run finishing after close carries no started and the next answer is closed', async () => {
    const s = serve(managedSpec);
    await s.next();
    let release!: () => void;
    managedGate.hold = new Promise((resolve) => (release = resolve));
    try {
      s.send({ type: 'run', id: 1, flat: flattenTensors(ids(4n), false).flat, quiet: true });
      s.send({ type: 'close' });
      s.send({ type: 'run', id: 2, flat: flattenTensors(ids(5n), false).flat });
      // Port messages are delivered in the poll phase, before immediates: after two turns the close and the run after
      // it have reached the worker side (a run taken off the port would then answer with it).
      for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
      release();
      const answer = (await s.next()) as Extract<FromWorker, { type: 'flat-result' }>;
      expect([answer.type, answer.id, answer.started, unflattenTensors(answer.flat).y!.toArray()]).toEqual(['flat-result', 1, undefined, [4]]);
      expect(await s.next()).toEqual({ type: 'closed' });
      await s.served;
    } finally {
      managedGate.hold = undefined;
    }
  });
});

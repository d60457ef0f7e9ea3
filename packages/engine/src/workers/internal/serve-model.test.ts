import { resolve } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Tensor } from '@inferox/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestBackendOptions } from '../test-backend.fixture';
import type { FromWorker, ToWorker, WorkerLoadSpec } from './protocol';
import { serveModel } from './serve-model';
import { encodeTensors } from './tensor-wire';
import { flattenTensors, unflattenTensors } from './flat-wire';

const FIXTURE = resolve(import.meta.dirname, '../test-backend.fixture.ts');

function spec(options: TestBackendOptions = {}, override: Partial<WorkerLoadSpec['backend']> = {}): WorkerLoadSpec {
  return { backend: { module: FIXTURE, factory: 'createTestBackend', options, ...override }, source: 'in-thread' };
}

/** Runs the worker side on this thread over a MessageChannel and records what it answers. */
function serve(load: WorkerLoadSpec): { served: Promise<void>; next: () => Promise<FromWorker>; send: (m: ToWorker) => void; port: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  channels.push(port1, port2);
  const inbox: FromWorker[] = [];
  const waiting: ((m: FromWorker) => void)[] = [];
  port2.on('message', (m: FromWorker) => {
    const waiter = waiting.shift();
    if (waiter) waiter(m);
    else inbox.push(m);
  });
  return {
    served: serveModel(port1, load),
    next: () => (inbox.length > 0 ? Promise.resolve(inbox.shift()!) : new Promise((r) => waiting.push(r))),
    send: (m) => port2.postMessage(m),
    port: port2,
  };
}

const channels: MessagePort[] = [];
afterEach(() => {
  for (const port of channels.splice(0)) port.close();
});

function run(id: number, mode: string): ToWorker {
  return { type: 'run', id, feeds: encodeTensors({ mode: Tensor.from('string', [mode], [1]), x: Tensor.from('float32', [1, 2], [2]) }, false).tensors };
}

describe('serveModel', () => {
  it('answers ready with the model facts, then started and a result or error by run id', async () => {
    const s = serve(spec());
    const ready = await s.next();
    expect(ready).toMatchObject({ type: 'ready', model: { memoryBytes: 1234, device: { kind: 'cpu' }, signature: { inputs: [{ name: 'x' }] } } });
    s.send(run(1, 'echo'));
    expect(await s.next()).toEqual({ type: 'started', id: 1 });
    const result = await s.next();
    expect(result).toMatchObject({ type: 'result', id: 1 });
    const outputs = (result as Extract<FromWorker, { type: 'result' }>).outputs;
    expect(outputs.find((o) => o.name === 'x')).toEqual({ name: 'x', dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) });
    s.send(run(2, 'throw'));
    expect(await s.next()).toEqual({ type: 'started', id: 2 });
    expect(await s.next()).toMatchObject({ type: 'run-error', id: 2, error: { code: 'INVALID_INPUT', details: { input: 'x', reason: 'told to' } } });
    s.send(run(3, 'throw-plain'));
    expect(await s.next()).toEqual({ type: 'started', id: 3 });
    expect(await s.next()).toMatchObject({ type: 'run-error', id: 3, error: { code: 'BACKEND_ERROR', message: 'plain failure in the test model' } });
    s.send({ type: 'close' });
    expect(await s.next()).toEqual({ type: 'closed' });
    await s.served;
  });

  it('answers a flat run with flat outputs, and a quiet one without started', async () => {
    const s = serve(spec());
    await s.next();
    const flat = (mode: string): unknown[] => flattenTensors({ mode: Tensor.from('string', [mode], [1]), x: Tensor.from('float32', [1, 2], [2]) }, false).flat;
    s.send({ type: 'run', id: 1, flat: flat('echo'), quiet: true });
    const result = await s.next();
    expect(result).toMatchObject({ type: 'flat-result', id: 1 });
    const outputs = unflattenTensors((result as Extract<FromWorker, { type: 'flat-result' }>).flat);
    expect([outputs.x!.toArray(), outputs.x!.shape]).toEqual([[1, 2], [2]]);
    s.send({ type: 'run', id: 2, flat: flat('throw') });
    expect(await s.next()).toEqual({ type: 'started', id: 2 });
    expect(await s.next()).toMatchObject({ type: 'run-error', id: 2, error: { code: 'INVALID_INPUT' } });
    s.send({ type: 'run', id: 3, flat: ['x', 'float32', 1, 5, new Float32Array(1)], quiet: true });
    expect(await s.next()).toMatchObject({ type: 'run-error', id: 3, error: { code: 'INTERNAL' } });
    s.send({ type: 'close' });
    expect(await s.next()).toEqual({ type: 'closed' });
    await s.served;
  });

  it('carries the started of a run waiting behind a finished one on its answer instead of a message of its own', async () => {
    const s = serve(spec());
    await s.next();
    const flat = (x: number): unknown[] => flattenTensors({ x: Tensor.from('float32', [x], [1]) }, false).flat;
    s.send({ type: 'run', id: 1, flat: flat(1), quiet: true });
    s.send({ type: 'run', id: 2, flat: flat(2) });
    s.send({ type: 'run', id: 3, flat: flat(3), quiet: true });
    const answers = [await s.next(), await s.next(), await s.next()];
    expect(answers.map((a) => [a.type, (a as { id?: number }).id, (a as { started?: number }).started])).toEqual([
      ['flat-result', 1, 2],
      ['flat-result', 2, undefined],
      ['flat-result', 3, undefined],
    ]);
    expect(answers.map((a) => unflattenTensors((a as Extract<FromWorker, { type: 'flat-result' }>).flat).x!.toArray())).toEqual([[1], [2], [3]]);
    s.send({ type: 'close' });
    expect(await s.next()).toEqual({ type: 'closed' });
    await s.served;
  });

  it('aborts the run with CANCELLED when told to cancel it, and ignores a cancel for an unknown run', async () => {
    const s = serve(spec());
    await s.next();
    s.send(run(7, 'wait-abort'));
    s.send({ type: 'cancel', id: 99 });
    s.send({ type: 'cancel', id: 7 });
    expect(await s.next()).toEqual({ type: 'started', id: 7 });
    expect(await s.next()).toMatchObject({ type: 'run-error', id: 7, error: { code: 'CANCELLED' } });
    s.send({ type: 'close' });
    await s.served;
  });

  it('aborts in-flight runs with DISPOSED when closed', async () => {
    const s = serve(spec());
    await s.next();
    s.send(run(1, 'wait-abort'));
    s.send({ type: 'close' });
    expect(await s.next()).toEqual({ type: 'started', id: 1 });
    const answers = [await s.next(), await s.next()];
    expect(answers).toContainEqual(expect.objectContaining({ type: 'run-error', id: 1, error: expect.objectContaining({ code: 'DISPOSED' }) }));
    expect(answers).toContainEqual({ type: 'closed' });
    await s.served;
  });

  it('answers a malformed run with INTERNAL', async () => {
    const s = serve(spec());
    await s.next();
    s.send({ type: 'run', id: 4, feeds: [{ name: 'x', dtype: 'float32', shape: [5], data: new Float32Array(1) }] });
    expect(await s.next()).toEqual({ type: 'started', id: 4 });
    expect(await s.next()).toMatchObject({ type: 'run-error', id: 4, error: { code: 'INTERNAL' } });
    s.send({ type: 'close' });
    await s.served;
  });

  it.each<[string, WorkerLoadSpec, string, string]>([
    ['the module cannot be imported', spec({}, { module: '/nonexistent/module.mjs' }), 'BACKEND_UNAVAILABLE', '/nonexistent/module.mjs'],
    ['the factory is missing', spec({}, { factory: 'nope' }), 'BACKEND_UNAVAILABLE', 'exports no function "nope"'],
    ['the factory throws', spec({ failFactory: true }), 'BACKEND_UNAVAILABLE', 'told to fail'],
    ['loadModel throws', spec({ failLoadIfExists: FIXTURE }), 'PACKAGE_INVALID', 'refused to load'],
  ])('answers load-error and stops when %s', async (_what, load, code, fact) => {
    const s = serve(load);
    const answer = await s.next();
    expect(answer).toMatchObject({ type: 'load-error', error: { code } });
    expect((answer as Extract<FromWorker, { type: 'load-error' }>).error.message).toContain(fact);
    await s.served;
  });
});

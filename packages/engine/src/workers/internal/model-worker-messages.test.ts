import { type InferoxError, Tensor } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelWorker } from './model-worker';
import type { WorkerLoadSpec } from './protocol';
import type { WorkerEntry } from './worker-entry';

// What ModelWorker sends and how it reads the answers, against a scripted plain-JS worker (the real one cannot be told
// to hold a run, answer a cancelled run anyway or ignore close). The test drives the worker through a shared gate:
// gate[0] counts the commands given, gate[n] is the n-th command (see SCRIPT). Feeds name what a run does:
// `report` answers at once with a run-error whose details list every message the worker saw (runs with their flags),
// `hold` waits for a command.
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const gate = new Int32Array(workerData.gate);
const seen = [];
const held = [];
let closeAsked = false;
let releaseAll = false;
let done = 0;
const answer = (id, started) => parentPort.postMessage({ type: 'flat-result', id, flat: ['y', 'float32', 1, 1, new Float32Array([7])], ...(started === undefined ? {} : { started }) });
const release = () => { while (held.length > 0) answer(held.shift()); };
if (workerData.exitOnLoad !== undefined) process.exit(workerData.exitOnLoad);
parentPort.postMessage({ type: 'ready', model: { signature: { inputs: [], outputs: [] }, metadata: { execArgv: process.execArgv.join(' ') }, memoryBytes: 1, device: { kind: 'cpu' } } });
// Keeps the thread alive until it is terminated, and takes the test's commands.
setInterval(() => {
  while (done < Atomics.load(gate, 0)) {
    const command = Atomics.load(gate, done + 1);
    // A command waits for the runs it answers to arrive.
    if (held.length < [0, 2, 2, 0, 1][command]) break;
    done++;
    if (command === 1) answer(held.shift(), held[0]);
    if (command === 2) { parentPort.postMessage({ type: 'started', id: held[1] }); answer(held.shift()); }
    if (command === 3) { releaseAll = true; release(); if (closeAsked) parentPort.postMessage({ type: 'closed' }); }
    if (command === 4) { parentPort.postMessage({ type: 'started', id: 999 }); answer(held.shift()); }
  }
}, 1);
parentPort.on('message', (m) => {
  seen.push(m.type === 'run' ? { type: 'run', id: m.id, quiet: m.quiet === true, validated: m.validated === true } : m);
  if (m.type === 'run' && m.flat[0] === 'report') {
    parentPort.postMessage({ type: 'run-error', id: m.id, error: { code: 'INVALID_INPUT', message: 'report', name: 'Error', details: { seen } } });
  } else if (m.type === 'run' && releaseAll) {
    answer(m.id);
  } else if (m.type === 'run') {
    held.push(m.id);
  } else if (m.type === 'cancel' && held.includes(m.id)) {
    held.splice(held.indexOf(m.id), 1);
    if (workerData.answerCancelled) answer(m.id);
    else parentPort.postMessage({ type: 'run-error', id: m.id, error: { code: 'CANCELLED', message: 'cancelled in the worker', name: 'Error', details: {} } });
  } else if (m.type === 'close') {
    closeAsked = true;
    if (!workerData.ignoreClose && held.length === 0) parentPort.postMessage({ type: 'closed' });
  }
});
`;

interface Script {
  readonly interruptible?: boolean;
  readonly answerCancelled?: boolean;
  readonly ignoreClose?: boolean;
  readonly exitOnLoad?: number;
  readonly execArgv?: readonly string[];
}

interface Scripted {
  readonly worker: ModelWorker;
  readonly deaths: InferoxError[];
  /**
   * Gives the worker command `code`, taken once the runs it needs arrived: 1 answers the oldest held run carrying the
   * next one's start (2 runs), 2 sends the second held run's `started`, then answers the oldest (2 runs), 3 answers
   * every held run and every later one, then `closed` if asked to close, 4 sends `started` of a run it never had, then
   * answers the oldest (1 run).
   */
  command(code: number): void;
}

const started: Scripted[] = [];
afterEach(async () => {
  vi.useRealTimers();
  // Answer what the worker still holds, so that it closes when asked and its thread ends.
  for (const s of started) s.command(3);
  await Promise.all(started.splice(0).map((s) => s.worker.close()));
});

function scripted(script: Script = {}, closeGraceMs = 20): Scripted {
  const gate = new Int32Array(new SharedArrayBuffer(4 * 16));
  const { interruptible, execArgv, ...data } = script;
  const entry: WorkerEntry = { filename: SCRIPT, eval: true, execArgv: execArgv ?? [], mode: 'built' };
  const spec = { backend: { module: 'unused', factory: 'unused', options: {}, interruptible }, source: 'scripted', gate: gate.buffer, ...data } as WorkerLoadSpec;
  const deaths: InferoxError[] = [];
  const worker = new ModelWorker(entry, spec, 'scripted', (cause) => deaths.push(cause), closeGraceMs);
  const handle: Scripted = {
    worker,
    deaths,
    command(code) {
      const n = Atomics.load(gate, 0) + 1;
      Atomics.store(gate, n, code);
      Atomics.store(gate, 0, n);
    },
  };
  started.push(handle);
  return handle;
}

const feed = (name: string) => ({ [name]: Tensor.from('float32', [1], [1]) });

/** The messages the worker saw before this `report` run, as its run-error lists them. */
async function seenBy(worker: ModelWorker, options = {}): Promise<unknown[]> {
  const error = await rejectionOf(worker.run(feed('report'), options));
  expect(error.message).toBe('report');
  return (error.details as { seen: unknown[] }).seen;
}

/** Whether `promise` has settled once pending callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('ModelWorker messages', () => {
  it('marks a run quiet when it has no timeout or nothing else is unanswered, and validated only when told', async () => {
    const { worker, command } = scripted();
    await worker.ready;
    expect(await seenBy(worker)).toEqual([{ type: 'run', id: 1, quiet: true, validated: false }]);
    expect((await seenBy(worker, { timeoutMs: 1000, validated: true })).at(-1)).toEqual({ type: 'run', id: 2, quiet: true, validated: true });
    const held = worker.run(feed('hold'), { timeoutMs: 1000 });
    expect((await seenBy(worker, { timeoutMs: 1000 })).slice(-2)).toEqual([
      { type: 'run', id: 3, quiet: true, validated: false },
      { type: 'run', id: 4, quiet: false, validated: false },
    ]);
    expect((await seenBy(worker)).at(-1)).toEqual({ type: 'run', id: 5, quiet: true, validated: false });
    command(3);
    expect(Object.keys(await held)).toEqual(['y']);
    expect((await seenBy(worker, { timeoutMs: 1000 })).at(-1)).toEqual({ type: 'run', id: 6, quiet: true, validated: false });
  });

  it('forwards an abort while the run is in the worker and never after the run was answered', async () => {
    const { worker } = scripted();
    await worker.ready;
    const answered = new AbortController();
    await seenBy(worker, { signal: answered.signal });
    answered.abort();
    const inFlight = new AbortController();
    const run = worker.run(feed('hold'), { signal: inFlight.signal });
    inFlight.abort();
    expect((await rejectionOf(run)).message).toBe('cancelled in the worker');
    expect((await seenBy(worker)).filter((m) => (m as { type: string }).type === 'cancel')).toEqual([{ type: 'cancel', id: 2 }]);
  });

  it('rejects with CANCELLED naming the model and discards the outputs when the worker answers a cancelled run anyway', async () => {
    const { worker } = scripted({ answerCancelled: true });
    await worker.ready;
    const controller = new AbortController();
    const run = worker.run(feed('hold'), { signal: controller.signal });
    controller.abort();
    const error = await rejectionOf(run);
    expect(error.code).toBe('CANCELLED');
    expect(error.message).toBe('run of scripted was cancelled by its signal');
  });

  it('starts the hang clock of a queued run when the answer before it says it started', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { worker, command, deaths } = scripted();
    await worker.ready;
    const first = worker.run(feed('hold'), { timeoutMs: 100 });
    const queued = worker.run(feed('hold'), { timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(60);
    command(1);
    expect(Object.keys(await first)).toEqual(['y']);
    await vi.advanceTimersByTimeAsync(99);
    expect(await settled(queued)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await rejectionOf(queued);
    expect([error.code, error.message, error.details]).toEqual(['TIMEOUT', 'run 2 of model scripted took longer than runTimeoutMs (100 ms); its worker is replaced', { runTimeoutMs: 100 }]);
    expect(deaths.map((d) => d.code)).toEqual(['BACKEND_ERROR']);
    expect(worker.alive).toBe(false);
    command(3);
    await worker.exited;
  });

  it('starts the hang clock of a queued run at its started message', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { worker, command } = scripted();
    await worker.ready;
    const first = worker.run(feed('hold'), { timeoutMs: 100 });
    const queued = worker.run(feed('hold'), { timeoutMs: 50 });
    await vi.advanceTimersByTimeAsync(70);
    command(2);
    await first;
    await vi.advanceTimersByTimeAsync(49);
    expect(await settled(queued)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await rejectionOf(queued)).message).toBe('run 2 of model scripted took longer than runTimeoutMs (50 ms); its worker is replaced');
    command(3);
    await worker.exited;
  });

  it('forwards the stop of a queued run the worker has not started yet', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { worker } = scripted();
    await worker.ready;
    void worker.run(feed('hold'), { timeoutMs: 1000 }).catch(() => undefined);
    const stop = new AbortController();
    const queued = worker.run(feed('hold'), { timeoutMs: 1000, stop });
    stop.abort();
    // Caught before the timers advance: the worker's answer can arrive while they do, and a rejection with no handler
    // yet counts as unhandled.
    const rejected = rejectionOf(queued);
    await vi.advanceTimersByTimeAsync(20);
    const error = await rejected;
    expect(error.message).toBe('cancelled in the worker');
  });

  it('ignores a started message for a run it does not know', async () => {
    const { worker, command } = scripted();
    await worker.ready;
    const run = worker.run(feed('hold'));
    command(4);
    expect(Object.keys(await run)).toEqual(['y']);
    expect(worker.loaded).toBe(true);
  });

  it('terminates an idle worker that ignores close after the grace, even after a started message for a run it never sent', async () => {
    const { worker, command } = scripted({ ignoreClose: true });
    await worker.ready;
    const run = worker.run(feed('hold'));
    command(4);
    await run;
    let exited = false;
    void worker.exited.then(() => (exited = true));
    await worker.close();
    expect(exited).toBe(true);
  });

  it('terminates an idle worker that ignores close after the grace also once it answered runs', async () => {
    const { worker, command } = scripted({ ignoreClose: true });
    await worker.ready;
    const runs = [worker.run(feed('hold')), worker.run(feed('hold'), { timeoutMs: 1000 })];
    command(3);
    await Promise.all(runs);
    let exited = false;
    void worker.exited.then(() => (exited = true));
    await worker.close();
    expect(exited).toBe(true);
  });

  it('lets a native run finish after the close grace and terminates the worker once it closed', async () => {
    const { worker, command } = scripted();
    await worker.ready;
    const run = worker.run(feed('hold'));
    const closing = worker.close();
    expect((await rejectionOf(run)).code).toBe('DISPOSED');
    await closing;
    expect(await settled(worker.exited)).toBe(false);
    command(3);
    await worker.exited;
    expect(worker.alive).toBe(false);
  });

  it('terminates a worker whose interruptible run hangs at once, without a close', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { worker } = scripted({ interruptible: true, ignoreClose: true });
    await worker.ready;
    const rejected = rejectionOf(worker.run(feed('hold'), { timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    expect((await rejected).code).toBe('TIMEOUT');
    vi.useRealTimers();
    await worker.exited;
  });

  it('terminates a loading worker at once when closed, without waiting for the close grace', async () => {
    const gate = new Int32Array(new SharedArrayBuffer(8));
    const entry: WorkerEntry = { filename: 'setInterval(() => undefined, 1000);', eval: true, execArgv: [], mode: 'built' };
    const worker = new ModelWorker(entry, { backend: { module: 'unused', factory: 'unused', options: {} }, source: 'slow', gate: gate.buffer } as WorkerLoadSpec, 'slow', () => undefined, 3_600_000);
    const ready = rejectionOf(worker.ready);
    await worker.close();
    expect((await ready).message).toBe('model slow was disposed while its worker was loading it');
    expect(await settled(worker.exited)).toBe(true);
  });

  it('rejects ready with BACKEND_ERROR naming the model and the exit code when the worker exits while loading', async () => {
    const { worker } = scripted({ exitOnLoad: 5 });
    const error = await rejectionOf(worker.ready);
    expect([error.code, error.message]).toEqual(['BACKEND_ERROR', 'the worker loading model scripted died: the worker thread exited with code 5']);
    expect((error.cause as Error).message).toBe('the worker thread exited with code 5');
  });

  it('starts the worker with exactly the execArgv its entry gives', async () => {
    const { worker } = scripted({ execArgv: ['--no-deprecation'] });
    expect((await worker.ready).metadata.execArgv).toBe('--no-deprecation');
  });
});

import { MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { type Backend, ErrorCode, InferoxError, type ModelHandle, type Tensor, toInferoxError } from '@inferox/core';
import { inlineRun } from '../../internal/inline-run';
import { handleHints } from '../../internal/handle-hints';
import { RunContext } from '../../scheduler/internal/run-context';
import { describeSource } from './describe-source';
import { encodeError } from './error-wire';
import { flattenTensors, unflattenTensors } from './flat-wire';
import { postWithTransfer } from './post-message';
import type { FromWorker, PortLike, RunMessage, ToWorker, WorkerLoadSpec } from './protocol';
import { decodeTensors, encodeTensors } from './tensor-wire';

type Factory = (options: unknown) => Backend | Promise<Backend>;

async function loadBackend(spec: WorkerLoadSpec): Promise<Backend> {
  const { module, factory } = spec.backend;
  let exports: Record<string, unknown>;
  try {
    exports = (await import(module)) as Record<string, unknown>;
  } catch (error) {
    throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `cannot import backend module ${JSON.stringify(module)} in a worker: ${(error as Error).message}`, {
      cause: error,
      details: { module },
    });
  }
  const create = exports[factory];
  if (typeof create !== 'function') {
    throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `backend module ${JSON.stringify(module)} exports no function ${JSON.stringify(factory)}`, {
      details: { module, factory },
    });
  }
  try {
    return await (create as Factory)(spec.backend.options);
  } catch (error) {
    throw toInferoxError(error, ErrorCode.BACKEND_UNAVAILABLE, `${factory} of ${JSON.stringify(module)}`);
  }
}

/**
 * The worker side of a worker instance: loads the model described by `spec`, answers `ready` (or `load-error`),
 * then serves `run`, `cancel` and `close` messages on `port` until closed. Never rejects: every failure is
 * answered as a message.
 *
 * Output tensors are moved (transferred) to the main thread; feeds and outputs are disposed here once sent.
 *
 * @param port - `parentPort` in a worker; one end of a `MessageChannel` in tests.
 * @returns a promise that settles once the model is closed (or failed to load).
 */
export async function serveModel(port: PortLike, spec: WorkerLoadSpec): Promise<void> {
  const post = (message: FromWorker, transfer: readonly ArrayBuffer[] = []): void => postWithTransfer(port, message, transfer);
  let backend: Backend | undefined;
  let handle: ModelHandle | undefined;
  let batchable: boolean;
  try {
    backend = await loadBackend(spec);
    handle = await backend.loadModel(spec.source, spec.options);
    // Checked here, where the handle is, as an inline replica checks its own: a bad hint fails the load.
    batchable = handleHints(handle, backend.name).batchable;
  } catch (error) {
    await handle?.dispose().catch(() => undefined);
    await backend?.dispose().catch(() => undefined);
    post({ type: 'load-error', error: encodeError(error, ErrorCode.BACKEND_ERROR) });
    return;
  }
  const loaded = backend;
  const model = describeSource(spec.source, spec.options);
  const runHandle = inlineRun(handle);
  /** The stop of each run in progress; its AbortController is made only if the model reads the signal. */
  const stops = new Map<number, RunContext>();
  /** Runs in progress: close waits for them, so the model is never disposed under a run. */
  const running = new Set<Promise<void>>();
  let closed!: () => void;
  const done = new Promise<void>((resolve) => (closed = resolve));
  let listening = true;
  /** The message waiting next on the port, taken now (a MessagePort only: `parentPort`, a MessageChannel's end). */
  const takeNext = (): ToWorker | undefined => (listening && port instanceof MessagePort ? (receiveMessageOnPort(port)?.message as ToWorker | undefined) : undefined);

  /** `announced`: the run's `started` rode on the answer of the run before it. */
  const run = async (message: RunMessage, announced: boolean): Promise<void> => {
    const { id } = message;
    if (message.quiet !== true && !announced) post({ type: 'started', id });
    const stop = new RunContext(true);
    stops.set(id, stop);
    let feeds: Record<string, Tensor> = {};
    let outputs: Record<string, Tensor> = {};
    try {
      if (message.flat) {
        feeds = unflattenTensors(message.flat);
        outputs = await runHandle(feeds, stop, message.validated === true);
        const encoded = flattenTensors(outputs, true);
        // A run waiting behind this one starts right after this answer: its `started` rides on it (one message less).
        const next = takeNext();
        const announce = next?.type === 'run' && next.quiet !== true;
        try {
          post(announce ? { type: 'flat-result', id, flat: encoded.flat, started: next.id } : { type: 'flat-result', id, flat: encoded.flat }, encoded.transfer);
        } finally {
          if (next) onMessage(next, announce);
        }
      } else {
        feeds = decodeTensors(message.feeds ?? []);
        outputs = await runHandle(feeds, stop, false);
        const encoded = encodeTensors(outputs, true);
        post({ type: 'result', id, outputs: encoded.tensors }, encoded.transfer);
      }
    } catch (error) {
      post({ type: 'run-error', id, error: encodeError(error, ErrorCode.BACKEND_ERROR) });
    } finally {
      stops.delete(id);
      for (const t of [...Object.values(feeds), ...Object.values(outputs)]) t.dispose();
    }
  };

  const close = async (): Promise<void> => {
    listening = false;
    port.off('message', onMessage);
    for (const stop of stops.values()) stop.abort(new InferoxError(ErrorCode.DISPOSED, `model ${model} is closing`));
    await Promise.all(running);
    await handle.dispose().catch(() => undefined);
    await loaded.dispose().catch(() => undefined);
    post({ type: 'closed' });
    closed();
  };

  const onMessage = (raw: unknown, announced = false): void => {
    const message = raw as ToWorker;
    if (message.type === 'run') {
      const done = run(message, announced);
      running.add(done);
      void done.then(() => running.delete(done));
    }
    else if (message.type === 'cancel') stops.get(message.id)?.abort(undefined);
    else if (message.type === 'close') void close();
  };

  port.on('message', onMessage);
  post({
    type: 'ready',
    model: { signature: handle.signature, metadata: { ...handle.metadata }, memoryBytes: handle.memoryBytes, device: { ...handle.device }, batchable },
  });
  return done;
}

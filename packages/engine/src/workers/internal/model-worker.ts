import { Worker } from 'node:worker_threads';
import { ErrorCode, InferoxError, type Tensor, type TensorMap, abortError } from '@inferox/core';
import { decodeError } from './error-wire';
import { postWithTransfer } from './post-message';
import type { FromWorker, LoadedModelInfo, RunMessage, ToWorker, WorkerLoadSpec } from './protocol';
import { flattenTensors, unflattenTensors } from './flat-wire';
import { type MonitoredRun, RunMonitor, type StopSource } from './run-monitor';
import { decodeTensors } from './tensor-wire';
import type { WorkerEntry } from './worker-entry';

/** How long `close()` waits for the worker to dispose its model before terminating it anyway. */
const DEFAULT_CLOSE_GRACE_MS = 2000;

interface PendingRun extends MonitoredRun {
  readonly id: number;
  readonly resolve: (outputs: Record<string, Tensor>) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

/** Options of {@link ModelWorker.run}. */
export interface ModelWorkerRunOptions {
  /** Aborting it forwards the cancellation to the worker at once (an abort listener). */
  readonly signal?: AbortSignal;
  /**
   * A stop source read only after the run has been in flight {@link STOP_POLL_MS} ms, then every as long: its abort is
   * forwarded within that time, and a run answered sooner costs no signal (the scheduler's run context makes its
   * AbortController when read). Use instead of `signal`.
   */
  readonly stop?: StopSource;
  /** Move the feeds' buffers instead of copying them; the feeds are disposed. */
  readonly transferFeeds?: boolean;
  /** The feeds were validated against this model's signature just now: the worker does not check them again. */
  readonly validated?: boolean;
  /**
   * A run still unanswered this many ms after the worker started it is a hang: the worker is terminated. A run sent
   * while others are in flight counts from the worker's `started` message, so runs queued behind a busy worker do not
   * spend it waiting; one sent to a worker with nothing in flight counts from when it is sent (the worker takes it at
   * once), which spares a message per run.
   */
  readonly timeoutMs?: number;
}

/**
 * One worker thread holding one loaded model. It fails its own in-flight runs when it dies (crash, exit, hang) and
 * then reports the death once through `onDeath`; replacing it is the owner's job.
 */
export class ModelWorker {
  /** Settles once the model is loaded in the worker (or failed to load, or the worker died first). */
  readonly ready: Promise<LoadedModelInfo>;
  /** Resolves once the thread has exited (for whatever reason). */
  readonly exited: Promise<void>;
  #worker: Worker;
  #model: string;
  #pending = new Map<number, PendingRun>();
  #nextId = 1;
  #state: 'loading' | 'ready' | 'dead' | 'closing' = 'loading';
  #onDeath: (cause: InferoxError) => void;
  #closed: (() => void) | undefined;
  /** Runs sent and not answered (whether or not their caller still waits). */
  readonly #unanswered = new Set<number>();
  /**
   * Runs the worker started and has not answered: a quiet run (sent while nothing else was in flight, so the worker
   * takes it at once) from when it was sent, another from its `started` answer.
   */
  readonly #inRun = new Set<number>();
  /** Whether the backend's runs may be cut by terminating the thread (see `BackendFactorySpec.interruptible`). */
  readonly #interruptible: boolean;
  /** Set once the worker is being let go (closed or abandoned after a hang); later calls return it. */
  #release: Promise<void> | undefined;
  #closeGraceMs: number;
  #rejectReady: (error: unknown) => void;
  readonly #monitor: RunMonitor;

  /**
   * @param entry - how to start the worker ({@link resolveWorkerEntry}).
   * @param spec - what it loads.
   * @param model - the model's name, for messages.
   * @param onDeath - called once when the worker dies on its own or hangs (not after `close()`).
   * @param closeGraceMs - how long `close()` lets the worker dispose its model before terminating it.
   */
  constructor(entry: WorkerEntry, spec: WorkerLoadSpec, model: string, onDeath: (cause: InferoxError) => void, closeGraceMs = DEFAULT_CLOSE_GRACE_MS) {
    this.#model = model;
    this.#closeGraceMs = closeGraceMs;
    this.#onDeath = onDeath;
    this.#interruptible = spec.backend.interruptible === true;
    let resolveReady!: (info: LoadedModelInfo) => void;
    let rejectReady!: (error: unknown) => void;
    this.ready = new Promise<LoadedModelInfo>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    this.#rejectReady = rejectReady;
    this.#monitor = new RunMonitor(this.#pending, {
      stopped: (id) => this.#cancel(id),
      hung: (id, timeoutMs) => this.#hang(id, timeoutMs),
    });
    this.#worker = new Worker(entry.filename, { eval: entry.eval, ...(entry.execArgv ? { execArgv: [...entry.execArgv] } : {}), workerData: spec });
    this.exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));

    this.#worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'ready':
          this.#state = 'ready';
          resolveReady(message.model);
          break;
        case 'load-error':
          this.#state = 'dead';
          this.#rejectReady(decodeError(message.error));
          void this.#worker.terminate();
          break;
        case 'started':
          this.#started(message.id, this.#pending.get(message.id));
          break;
        case 'result':
        case 'flat-result':
          this.#answered(message.id);
          if (message.type === 'flat-result' && message.started !== undefined && this.#unanswered.has(message.started)) {
            this.#started(message.started, this.#pending.get(message.started));
          }
          this.#settle(message.id, (run) => {
            const outputs = message.type === 'flat-result' ? unflattenTensors(message.flat) : decodeTensors(message.outputs);
            const signal = run.signal ?? (run.stopped ? run.stop!.signal : undefined);
            if (signal?.aborted) {
              for (const t of Object.values(outputs)) t.dispose();
              run.reject(abortError(signal, `run of ${this.#model}`));
            } else {
              run.resolve(outputs);
            }
          });
          break;
        case 'run-error':
          this.#answered(message.id);
          this.#settle(message.id, (run) => run.reject(decodeError(message.error)));
          break;
        case 'closed':
          this.#closed?.();
          break;
      }
    });
    this.#worker.on('error', (error) => this.#die(error));
    this.#worker.on('exit', (code) => this.#die(new Error(`the worker thread exited with code ${code}`)));
  }

  /** Whether the worker can still take runs (loading or ready). */
  get alive(): boolean {
    return this.#state === 'loading' || this.#state === 'ready';
  }

  /** Whether the model is loaded and runs are sent at once. */
  get loaded(): boolean {
    return this.#state === 'ready';
  }

  /**
   * Sends a run to the worker (call after `ready`).
   *
   * @returns the outputs, owned by the caller. Aborting `signal` while the run is in the worker asks the worker to
   * cancel; the promise still settles only when the worker answers (then with `CANCELLED`, outputs discarded).
   */
  run(feeds: TensorMap, options: ModelWorkerRunOptions = {}): Promise<Record<string, Tensor>> {
    if (!this.alive) return Promise.reject(new InferoxError(ErrorCode.BACKEND_ERROR, `the worker of model ${this.#model} is not running`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      // Encoding or posting may throw (a disposed feed): the promise rejects and nothing is registered. An answer
      // cannot arrive before the registration below, since messages are delivered in a later task.
      const { flat, transfer } = flattenTensors(feeds, options.transferFeeds === true);
      // With nothing else in flight the worker takes the run at once: no `started` answer is needed to time it.
      const quiet = options.timeoutMs === undefined || this.#unanswered.size === 0;
      const message: { -readonly [K in keyof RunMessage]: RunMessage[K] } = { type: 'run', id, flat };
      if (quiet) message.quiet = true;
      if (options.validated === true) message.validated = true;
      this.#post(message, transfer);
      if (options.transferFeeds) for (const t of Object.values(feeds)) t.dispose();
      const { signal, stop, timeoutMs } = options;
      const onAbort = signal ? (): void => this.#cancel(id) : undefined;
      const run: PendingRun = { id, resolve, reject, signal, onAbort, stop, stopped: false, timeoutMs, sentAt: performance.now(), startedAt: undefined };
      if (onAbort) signal!.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, run);
      this.#unanswered.add(id);
      if (quiet) this.#started(id, run);
      else if (stop) this.#monitor.watch(run);
    });
  }

  /**
   * Stops the worker. A loading one is stopped at once (`ready` rejects with `DISPOSED`). A loaded one fails its
   * in-flight runs with `DISPOSED` and is asked to close: it disposes its model once its runs returned, then exits.
   * Resolves once the thread has exited, or after `closeGraceMs`: then an idle worker (or one whose backend is
   * `interruptible`) is terminated; one still inside a native run (onnxruntime) is never terminated under it, which
   * would abort the process: it is terminated once the run returned and it closed. Idempotent.
   */
  close(): Promise<void> {
    if (this.#state === 'loading') {
      this.#state = 'closing';
      this.#rejectReady(new InferoxError(ErrorCode.DISPOSED, `model ${this.#model} was disposed while its worker was loading it`));
      this.#release ??= this.#worker.terminate().then(() => this.exited);
    } else if (this.#state === 'ready') {
      this.#state = 'closing';
      this.#failAll(new InferoxError(ErrorCode.DISPOSED, `model ${this.#model} was disposed while this run was in its worker`));
    }
    this.#release ??= this.#letGo();
    return this.#release;
  }

  /** Asks the worker to close, waits up to `closeGraceMs`, and terminates it when that cannot cut a native run. */
  async #letGo(): Promise<void> {
    const closed = new Promise<void>((resolve) => (this.#closed = resolve));
    let grace: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (grace = setTimeout(resolve, this.#closeGraceMs)));
    try {
      this.#post({ type: 'close' });
    } catch {
      // The port is gone: the thread has exited or is exiting.
    }
    const outcome = await Promise.race([closed.then(() => 'closed'), this.exited.then(() => 'exited'), timedOut.then(() => 'timeout')]);
    clearTimeout(grace);
    if (outcome === 'timeout' && this.#inRun.size > 0 && !this.#interruptible) {
      // Still inside a native run: it closes (and is terminated) once the run returns; its thread keeps the process
      // alive until then.
      void Promise.race([closed, this.exited]).then(() => this.#worker.terminate());
      return;
    }
    await this.#worker.terminate();
    await this.exited;
  }

  /**
   * The worker took run `id`: its hang clock starts. A run settled here meanwhile (timed out, cancelled) is still
   * inside the worker until answered, so it counts as in a run; an id never sent does not.
   */
  #started(id: number, run: PendingRun | undefined): void {
    if (!this.#unanswered.has(id)) return;
    this.#inRun.add(id);
    if (!run) return;
    run.startedAt = performance.now();
    if (run.timeoutMs !== undefined || run.stop) this.#monitor.watch(run);
  }

  #cancel(id: number): void {
    this.#post({ type: 'cancel', id });
  }

  #answered(id: number): void {
    this.#unanswered.delete(id);
    this.#inRun.delete(id);
  }

  #post(message: ToWorker, transfer: readonly ArrayBuffer[] = []): void {
    postWithTransfer(this.#worker, message, transfer);
  }

  #settle(id: number, action: (run: PendingRun) => void): void {
    const run = this.#pending.get(id);
    if (!run) return;
    this.#pending.delete(id);
    if (run.onAbort) run.signal!.removeEventListener('abort', run.onAbort);
    try {
      action(run);
    } catch (error) {
      run.reject(error);
    }
  }

  #failAll(error: InferoxError): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id, (run) => run.reject(error));
    this.#monitor.dispose();
  }

  /**
   * A run passed its time: its request gets `TIMEOUT` (other runs in the worker `BACKEND_ERROR`), the owner is told
   * (it starts a replacement) and this worker is let go without being terminated under the run ({@link close}).
   */
  #hang(id: number, timeoutMs: number): void {
    const timeout = new InferoxError(ErrorCode.TIMEOUT, `run ${id} of model ${this.#model} took longer than runTimeoutMs (${timeoutMs} ms); its worker is replaced`, {
      details: { runTimeoutMs: timeoutMs },
    });
    this.#settle(id, (run) => run.reject(timeout));
    this.#kill(timeout);
    // A runtime that can be cut (WebAssembly, JavaScript) is terminated at once; a native one is let go.
    this.#release ??= this.#interruptible ? this.#worker.terminate().then(() => this.exited) : this.#letGo();
  }

  #die(cause: unknown): void {
    if (this.#state === 'loading') {
      this.#state = 'dead';
      this.#rejectReady(
        new InferoxError(ErrorCode.BACKEND_ERROR, `the worker loading model ${this.#model} died: ${(cause as Error).message}`, { cause }),
      );
      return;
    }
    if (this.#state === 'ready') this.#kill(cause);
  }

  #kill(cause: unknown): void {
    this.#state = 'dead';
    const message = (cause as Error).message;
    const error = new InferoxError(ErrorCode.BACKEND_ERROR, `the worker of model ${this.#model} failed while running: ${message}`, { cause });
    this.#failAll(error);
    this.#onDeath(error);
  }
}

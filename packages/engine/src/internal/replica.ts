import { ErrorCode, InferoxError, type Logger, type ModelSignature, type Tensor, type TensorMap, toInferoxError } from '@inferox/core';
import type { InferOptions } from '../infer-options';
import type { BatchingOptions } from '../scheduler';
import type { MemoryFigure, ReplicaInfo } from '../model-info';
import type { AdmissionPool, BatchInfo, ExecutorContext } from '../scheduler';
import { priorityRank } from '../scheduler/priority';
import { SchedulerCore } from '../scheduler/internal/scheduler-core';
import type { ResultSink } from '../scheduler/internal/scheduler-entry';

/**
 * Runs a model once; what a replica's instances expose. `context` is the scheduler's: `ownsFeeds` says the feeds
 * were built by the scheduler for this run (a batch), so the run may consume them (e.g. transfer them to a worker).
 * `validated`: the feeds passed validateFeeds against the replica's signature just now (the run may skip it).
 */
export type Run = (feeds: TensorMap, context: ExecutorContext, validated: boolean) => Promise<Record<string, Tensor>>;

/** What the scheduler answered for one request. */
export interface ReplicaResult {
  readonly outputs: Record<string, Tensor>;
  readonly queueMs: number;
  readonly computeMs: number;
  readonly batchSize: number;
}

/** Everything a replica is built from. */
export interface ReplicaInit {
  readonly model: string;
  readonly version: number;
  readonly backend: string;
  readonly device: string;
  readonly signature: ModelSignature;
  readonly metadata: Readonly<Record<string, string>>;
  readonly memoryBytes: number;
  /** What `memoryBytes` rests on when it is an estimate (the backend reported nothing); absent when reported. */
  readonly memoryBasis?: string;
  readonly mode: 'inline' | 'worker';
  /** One per instance (inline instances share a handle). */
  readonly runs: readonly Run[];
  /** Whether the resources went away behind the engine's back (a backend disposed its handle). */
  readonly lost: () => boolean;
  /** Frees the handle or workers; called once, after the last run returned (inline) or at once (workers). */
  readonly release: () => Promise<void>;
  readonly batching?: BatchingOptions;
  readonly maxQueueSize?: number;
  readonly maxConcurrent?: number;
  readonly pool?: AdmissionPool;
  readonly logger: Logger;
  readonly onBatch?: (event: BatchInfo) => void;
}

/** How a replica retires: drain its queue first (within `timeoutMs`) or reject what is queued at once. */
export interface RetireOptions {
  readonly drain: boolean;
  readonly timeoutMs?: number;
}

/**
 * One model version on one backend: its scheduler, its instances and its life (live → retiring → disposed). It is
 * disposed only once its scheduler has drained and no run is in progress, so no request ever sees a disposed model.
 */
export class Replica {
  readonly model: string;
  readonly version: number;
  readonly backend: string;
  readonly device: string;
  readonly signature: ModelSignature;
  readonly metadata: Readonly<Record<string, string>>;
  readonly memoryBytes: number;
  readonly memory: MemoryFigure;
  readonly mode: 'inline' | 'worker';
  readonly instanceCount: number;
  readonly scheduler: SchedulerCore;
  state: 'live' | 'retiring' | 'disposed' = 'live';
  readonly #init: ReplicaInit;
  #active = 0;
  /** The feeds the engine validated against `signature` in the current synchronous turn (see {@link Replica.submitTo}). */
  #validated: TensorMap | undefined;
  #idle: (() => void)[] = [];
  #retired?: Promise<void>;
  #releasing?: Promise<void>;
  #isReleased = false;
  #resolveReleased!: () => void;
  readonly #released = new Promise<void>((resolve) => (this.#resolveReleased = resolve));
  readonly #endDrain = new AbortController();

  constructor(init: ReplicaInit) {
    this.#init = init;
    this.model = init.model;
    this.version = init.version;
    this.backend = init.backend;
    this.device = init.device;
    this.signature = init.signature;
    this.metadata = init.metadata;
    this.memoryBytes = init.memoryBytes;
    this.memory = init.memoryBasis === undefined ? { bytes: init.memoryBytes, estimated: false } : { bytes: init.memoryBytes, estimated: true, basis: init.memoryBasis };
    this.mode = init.mode;
    this.instanceCount = init.runs.length;
    this.scheduler = new SchedulerCore({
      name: `${init.model}@${init.version}/${init.backend}`,
      executors: init.runs.map((run) => (feeds: TensorMap, context: ExecutorContext) => this.#run(run, feeds, context)),
      logger: init.logger,
      ...(init.maxConcurrent === undefined ? {} : { maxConcurrent: init.maxConcurrent }),
      ...(init.maxQueueSize === undefined ? {} : { maxQueueSize: init.maxQueueSize }),
      ...(init.pool ? { pool: init.pool } : {}),
      ...(init.batching ? { batching: init.batching } : {}),
      ...(init.onBatch ? { onBatch: init.onBatch } : {}),
    });
  }

  /** Whether requests may be routed here: live, and its resources were not taken away. */
  get usable(): boolean {
    return this.state === 'live' && !this.#init.lost();
  }

  /** Idle: nothing queued or running (a run's requests count until it returns, even those answered before). */
  get idle(): boolean {
    return this.scheduler.queued === 0 && this.scheduler.running === 0 && this.#active === 0;
  }

  /**
   * Runs `run` counted in `#active`. Throws at once when the replica was disposed or its resources were lost (the
   * scheduler answers that as the run's failure). Not an async function: one reaction with handlers shared by every
   * run instead of a suspended frame per run, on every request's path.
   */
  #run(run: Run, feeds: TensorMap, context: ExecutorContext): Promise<Record<string, Tensor>> {
    if (this.state === 'disposed') throw new InferoxError(ErrorCode.INTERNAL, `replica ${this.backend} of ${this.model}@${this.version} ran after dispose`);
    if (this.#init.lost()) throw this.#lostError();
    // Feeds validated in this same turn (the request started at once, unbatched) need no second check.
    const validated = feeds === this.#validated && !context.ownsFeeds;
    this.#active += 1;
    let running: Promise<Record<string, Tensor>>;
    try {
      running = run(feeds, context, validated);
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.then(this.#ran, this.#runFailed);
  }

  readonly #ran = (outputs: Record<string, Tensor>): Record<string, Tensor> => {
    this.#runEnded();
    return outputs;
  };

  readonly #runFailed = (error: unknown): never => {
    this.#runEnded();
    const e = toInferoxError(error, ErrorCode.BACKEND_ERROR, `${this.backend} run of ${this.model}`);
    throw e.code === ErrorCode.DISPOSED ? this.#lostError(e) : e;
  };

  #runEnded(): void {
    this.#active -= 1;
    if (this.#active === 0) for (const wake of this.#idle.splice(0)) wake();
  }

  #lostError(cause?: unknown): InferoxError {
    return new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `the ${this.backend} model of ${this.model}@${this.version} was disposed by its backend`, {
      cause,
      details: { backend: this.backend, model: this.model },
    });
  }

  /**
   * Queues a request on this replica's scheduler, or starts it at once when the replica is idle and the request has no
   * deadline, timeout or signal (see `SchedulerCore.startIdle`); the answer goes to `sink` (a refusal within this call).
   * `validated`: the caller has just validated `feeds` against this replica's `signature`; a run that starts within
   * this call (synchronously, so nothing changed meanwhile) of these very feeds skips the handle's second check. A run
   * started later checks them again.
   *
   * @param options - checked by the engine (priority, cost): what the scheduler would check again.
   */
  submitTo(feeds: TensorMap, options: InferOptions, validated: boolean, sink: ResultSink): void {
    if (validated) this.#validated = feeds;
    try {
      const rank = priorityRank(options.priority ?? 'normal');
      const cost = options.cost ?? 1;
      if (options.deadline === undefined && options.timeoutMs === undefined && options.signal === undefined && this.scheduler.startIdle(feeds, rank, cost, sink)) return;
      this.scheduler.submitTo(feeds, { rank, cost, deadline: options.deadline, timeoutMs: options.timeoutMs, signal: options.signal }, sink);
    } finally {
      this.#validated = undefined;
    }
  }

  /**
   * Stops taking requests, lets queued and running ones finish (within `timeoutMs` when given, or until
   * {@link Replica.endDrainNow}; then what is left gets `SHUT_DOWN`), then frees the resources. Resolves once they are
   * freed, or once the drain is over when a run is still in progress: an inline run cannot be interrupted, so its
   * handle is freed when (if) the run returns ({@link Replica.released}); workers are freed at once (which fails their
   * runs). Idempotent.
   */
  retire(options: RetireOptions): Promise<void> {
    this.#retired ??= this.#retire(options);
    return this.#retired;
  }

  /** Whether the resources were freed. */
  get isReleased(): boolean {
    return this.#isReleased;
  }

  /** Resolves once the resources were freed (after `retire`; never before). */
  get released(): Promise<void> {
    return this.#released;
  }

  async #retire(options: RetireOptions): Promise<void> {
    this.state = 'retiring';
    const signal = this.#endDrain.signal;
    const closed = this.scheduler
      .close(options.timeoutMs === undefined ? { drain: options.drain, signal } : { drain: options.drain, timeoutMs: options.timeoutMs, signal })
      .catch((error: unknown) => this.#init.logger.warn('scheduler close failed', { model: this.model, backend: this.backend, error: String(error) }));
    // Inline runs cannot be interrupted: the handle is freed only after the last one returned.
    const drained = closed.then(() => (this.mode === 'inline' && this.#active > 0 ? new Promise<void>((resolve) => this.#idle.push(resolve)) : undefined));
    void drained.then(() => this.#release());
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => this.endDrainNow(), options.timeoutMs);
    const over = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    try {
      await Promise.race([this.#released, over]);
    } finally {
      clearTimeout(timer);
    }
    if (this.#isReleased) return;
    // The drain is over and a run is still in progress: workers are freed now (their runs fail); an inline handle
    // when its run returns.
    if (this.mode === 'worker') await this.#release();
    else this.#init.logger.warn('a run did not return in time; its handle is disposed when it does', { model: this.model, backend: this.backend });
  }

  /** Frees the resources once. */
  #release(): Promise<void> {
    if (!this.#releasing) {
      this.state = 'disposed';
      this.#releasing = this.#init.release().then(
        () => undefined,
        (error: unknown) => this.#init.logger.warn('replica dispose failed', { model: this.model, backend: this.backend, error: String(error) }),
      );
      void this.#releasing.then(() => {
        this.#isReleased = true;
        this.#resolveReleased();
      });
    }
    return this.#released;
  }

  /** Ends a drain under way at once, as if its time were up (what is left gets `SHUT_DOWN`). */
  endDrainNow(): void {
    this.#endDrain.abort();
  }

  info(): ReplicaInfo {
    return {
      backend: this.backend,
      device: this.device,
      memoryBytes: this.memoryBytes,
      memory: this.memory,
      instances: { count: this.instanceCount, mode: this.mode },
      queued: this.scheduler.queued,
      running: this.scheduler.running,
    };
  }
}

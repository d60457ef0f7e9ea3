import { ErrorCode, InferoxError, type Logger, type Tensor, type TensorMap, abortError, noopLogger, toInferoxError } from '@inferox/core';
import type { AloneReason } from '../batching-options';
import type { BatchInfo, CloseOptions, ScheduledResult, Scheduler, SchedulerOptions, SchedulerStats, SubmitOptions } from '../scheduler-contract';
import { admitChecked, admitEntry } from './admit-entry';
import type { CheckedSubmit } from './check-submit';
import { BatchKeyCache } from './batch-key-cache';
import { BatchTimer } from './batch-timer';
import { type ComposedBatch, composeBatch } from './compose-batch';
import { firstFitting, planBatch } from './plan-batch';
import { PoolArbiter, arbiterOf } from './pool-arbiter';
import type { Candidate, PoolClient } from './pool-client';
import { RequestQueue } from './request-queue';
import { RunContext } from './run-context';
import { type Entry, type Execution, MAX_TIMER_MS, type Plan, type ResultSink, type Timer, deferred, disposeOutputs, expiryError, newEntry, resultOf, splitRun } from './scheduler-entry';
import { type ResolvedBatching, type ResolvedOptions, resolveOptions } from './resolve-options';


/** The {@link Scheduler} implementation; also a client of its admission pool. */
export class SchedulerCore implements Scheduler, PoolClient {
  readonly #options: ResolvedOptions;
  readonly #batching: ResolvedBatching | undefined;
  readonly #keys: BatchKeyCache | undefined;
  readonly #logger: Logger;
  readonly #onBatch: ((info: BatchInfo) => void) | undefined;
  readonly #arbiter: PoolArbiter;
  readonly #queue = new RequestQueue<Entry>();
  /** Runs in flight per executor. */
  readonly #slots: number[];
  readonly #executions = new Set<Execution>();
  #running = 0;
  /** No queued request costs this much or less (-1: unknown); saves rescanning a queue where nothing fits. */
  #noFitUpTo = -1;
  #plan: Plan | undefined;
  readonly #batchTimer = new BatchTimer(() => this.#arbiter.dispatch());
  #closing = false;
  #closed: Promise<void> | undefined;
  #onIdle: (() => void) | undefined;
  #drainTimer: Timer | undefined;
  #closeSignal: { signal: AbortSignal; listener: () => void } | undefined;
  readonly #stats = {
    submitted: 0,
    completed: 0,
    rejected: 0,
    failed: {} as Partial<Record<ErrorCode, number>>,
    batches: {} as Record<number, number>,
    alone: {} as Partial<Record<AloneReason, number>>,
  };

  constructor(options: SchedulerOptions) {
    this.#options = resolveOptions(options);
    this.#batching = this.#options.batching;
    this.#keys = this.#batching && new BatchKeyCache(this.#batching.padding);
    this.#logger = this.#options.logger;
    this.#onBatch = options.onBatch;
    this.#arbiter = options.pool === undefined ? new PoolArbiter(Number.POSITIVE_INFINITY) : arbiterOf(options.pool);
    this.#slots = this.#options.executors.map(() => 0);
    this.#arbiter.attach(this);
  }

  get queued(): number {
    return this.#queue.size;
  }

  get running(): number {
    return this.#running;
  }

  stats(): SchedulerStats {
    const s = this.#stats;
    return {
      name: this.#options.name,
      submitted: s.submitted,
      completed: s.completed,
      failed: { ...s.failed },
      rejected: s.rejected,
      queued: this.#queue.size,
      running: this.#running,
      executing: this.#executions.size,
      batches: { ...s.batches },
      alone: { ...s.alone },
      closed: this.#closing,
    };
  }

  submit(feeds: TensorMap, options: SubmitOptions = {}): Promise<ScheduledResult> {
    const answer = deferred();
    this.#submit(feeds, options, undefined, answer);
    return answer.promise;
  }

  /**
   * `submit` for options the caller checked as `checkSubmit` does (the engine's replicas), answered to `sink` rather
   * than a promise of the scheduler's: no second check or copy, and no promise per waiting request. A refusal reaches
   * `sink.reject` within this call.
   */
  submitTo(feeds: TensorMap, checked: CheckedSubmit, sink: ResultSink): void {
    this.#submit(feeds, undefined, checked, sink);
  }

  #submit(feeds: TensorMap, options: SubmitOptions | undefined, checked: CheckedSubmit | undefined, sink: ResultSink): void {
    this.#stats.submitted++;
    let entry: Entry;
    try {
      entry = this.#admit(feeds, options, checked, sink);
    } catch (error) {
      const failure = toInferoxError(error, ErrorCode.INTERNAL);
      this.#stats.rejected++;
      this.#countFailure(failure);
      sink.reject(failure);
      return;
    }
    entry.node = this.#queue.add(entry);
    if (entry.cost <= this.#noFitUpTo) this.#noFitUpTo = -1;
    this.#armExpiry(entry);
    const { signal } = entry;
    if (signal) {
      entry.onAbort = () => this.#fail(entry, abortError(signal, `request to ${JSON.stringify(this.#options.name)}`));
      signal.addEventListener('abort', entry.onAbort, { once: true });
    }
    try {
      this.#arbiter.dispatch();
    } catch (error) {
      // Only a bug gets here (every caller-supplied callback is guarded): answer this request rather than throw from
      // submit, without dispatching again.
      this.#log('warn', 'scheduler dispatch threw', { error });
      if (entry.state === 'queued') {
        this.#queue.delete(entry.node!);
        this.#settle(entry, undefined, toInferoxError(error, ErrorCode.INTERNAL, `dispatch of ${JSON.stringify(this.#options.name)}`));
      }
    }
  }

  /** Logs through the caller's logger; a logger that throws must not break scheduling (requests would never settle). */
  #log(level: 'debug' | 'warn', message: string, fields: Record<string, unknown>): void {
    try {
      this.#logger[level](message, { scheduler: this.#options.name, ...fields });
    } catch {
      // Nothing sensible to do: the log sink is the place failures would be reported.
    }
  }

  close(options: CloseOptions = {}): Promise<void> {
    if (this.#closed) return this.#closed;
    const { drain = true, timeoutMs = 30_000, signal } = options;
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
      return Promise.reject(this.#invalid(`close timeoutMs must be a number ≥ 0, got ${String(timeoutMs)}`, { timeoutMs }));
    }
    this.#closing = true;
    this.#closed = new Promise<void>((resolve) => {
      this.#onIdle = resolve;
    });
    const name = JSON.stringify(this.#options.name);
    const abandon = (why: string): void => this.#abandon(new InferoxError(ErrorCode.SHUT_DOWN, `scheduler ${name} closed: ${why}`));
    if (!drain) this.#rejectQueued(new InferoxError(ErrorCode.SHUT_DOWN, `scheduler ${name} closed without draining; the request was still queued`));
    if (signal?.aborted) abandon('the close signal aborted the drain');
    else {
      if (signal) {
        const listener = (): void => abandon('the close signal aborted the drain');
        signal.addEventListener('abort', listener, { once: true });
        this.#closeSignal = { signal, listener };
      }
      if (drain && timeoutMs !== Number.POSITIVE_INFINITY) {
        this.#drainTimer = setTimeout(() => {
          this.#drainTimer = undefined;
          abandon(`the drain did not finish within ${timeoutMs} ms`);
        }, Math.min(timeoutMs, MAX_TIMER_MS));
      }
    }
    // Batches waiting to fill go now.
    this.#arbiter.dispatch();
    this.#checkIdle();
    return this.#closed;
  }

  candidate(free: number): Candidate | undefined {
    this.#plan = undefined;
    if (this.#queue.size === 0) {
      this.#batchTimer.clear();
      return undefined;
    }
    const executor = this.#freeExecutor();
    if (executor < 0) return undefined;
    if (free <= this.#noFitUpTo) return undefined;
    const leader = firstFitting(this.#queue, free);
    if (!leader) {
      this.#noFitUpTo = free;
      return undefined;
    }
    const plan = this.#batching
      ? this.#planBatch(this.#batching, leader, free, executor)
      : { members: [leader], cost: leader.cost, executor, alone: 'batching-off' as const };
    if (!plan) return undefined;
    this.#plan = plan;
    return { rank: leader.rank, seq: leader.seq };
  }

  start(): void {
    const plan = this.#plan!;
    this.#plan = undefined;
    this.#launch(plan);
  }

  /**
   * Starts a request at once, bypassing the queue and the pool's pass, when nothing could be served before or instead
   * of it: the scheduler is open and waits for no batch (no batching, `maxBatchSize` 1 or `maxQueueDelayMs` 0), nothing
   * is queued, an executor has a free slot, and it is its pool's only client with `cost` free and no pass under way.
   * Submit would then have started it alone within the call (`queue-empty`, or `shape-mismatch` for feeds that cannot
   * batch) with the same bookkeeping; it answers to `sink` and returns true, else does nothing and returns false. For
   * a caller that has checked what `checkSubmit` checks and has no deadline, timeout or signal for the request.
   */
  startIdle(feeds: TensorMap, rank: number, cost: number, sink: ResultSink): boolean {
    const batching = this.#batching;
    const batches = batching !== undefined && batching.maxBatchSize > 1;
    if (this.#closing || (batches && batching.maxQueueDelayMs > 0) || this.#queue.size > 0 || !this.#arbiter.idleFor(this, cost)) return false;
    const executor = this.#freeExecutor();
    if (executor < 0) return false;
    this.#stats.submitted++;
    if (cost <= this.#noFitUpTo) this.#noFitUpTo = -1;
    const key = batches ? this.#keys!.of(feeds) : undefined;
    const entry = newEntry({ seq: this.#arbiter.nextSeq(), rank, feeds, cost, key, now: Date.now(), deadline: undefined, timeoutMs: undefined, sink, signal: undefined });
    this.#launch({ members: [entry], cost, executor, alone: !batches ? 'batching-off' : key === undefined ? 'shape-mismatch' : 'queue-empty' });
    return true;
  }

  /** Runs `plan`'s members on its executor: reserves its cost, counts it and hands the run to the executor. */
  #launch(plan: Plan): void {
    const { members, executor, alone, cost } = plan;
    const reservation = this.#arbiter.reserve(cost);
    const execution: Execution = { members, reservation, executor, context: new RunContext(members.length > 1), startedAt: Date.now(), alone };
    for (const m of members) {
      // A request started by startIdle was never queued.
      if (m.node) this.#queue.delete(m.node);
      m.state = 'running';
      m.execution = execution;
    }
    this.#slots[executor]!++;
    this.#running += members.length;
    this.#executions.add(execution);
    const size = members.length;
    this.#stats.batches[size] = (this.#stats.batches[size] ?? 0) + 1;
    if (alone) this.#stats.alone[alone] = (this.#stats.alone[alone] ?? 0) + 1;
    if (this.#logger !== noopLogger) this.#log('debug', 'scheduler dispatch', { size, executor, alone });
    if (this.#onBatch) {
      try {
        this.#onBatch(alone ? { size, alone, executor } : { size, executor });
      } catch (error) {
        this.#log('warn', 'scheduler onBatch callback threw', { error });
      }
    }

    let batch: ComposedBatch | undefined;
    let run: Promise<Record<string, Tensor>>;
    try {
      const feeds = size === 1 ? members[0]!.feeds : (batch = composeBatch(members.map((m) => m.feeds), this.#batching?.padding)).feeds;
      run = this.#options.executors[executor]!(feeds, execution.context);
    } catch (error) {
      run = Promise.reject(error);
    }
    void this.#await(execution, batch, run);
  }

  /** Finishes `execution` once its run settles (an async method rather than two closures per run). */
  async #await(execution: Execution, batch: ComposedBatch | undefined, run: Promise<Record<string, Tensor>>): Promise<void> {
    let outputs: Record<string, Tensor>;
    try {
      outputs = await run;
    } catch (error) {
      this.#finish(execution, batch, undefined, error ?? new Error('executor rejected without a reason'));
      return;
    }
    this.#finish(execution, batch, outputs, undefined);
  }

  #admit(feeds: TensorMap, options: SubmitOptions | undefined, checked: CheckedSubmit | undefined, sink: ResultSink): Entry {
    const { name: scheduler, maxQueueSize } = this.#options;
    const admission = { scheduler, closing: this.#closing, capacity: this.#arbiter.capacity, queued: this.#queue.size, maxQueueSize, keys: this.#keys, sequence: this.#arbiter };
    return checked === undefined ? admitEntry(admission, feeds, options!, sink) : admitChecked(admission, feeds, checked, sink);
  }

  #invalid(message: string, details: Record<string, unknown>): InferoxError {
    return new InferoxError(ErrorCode.INVALID_INPUT, `scheduler ${JSON.stringify(this.#options.name)}: ${message}`, { details });
  }

  #armExpiry(entry: Entry): void {
    if (entry.expiresAt === Number.POSITIVE_INFINITY) return;
    const delay = Math.min(Math.max(0, entry.expiresAt - Date.now()), MAX_TIMER_MS);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (Date.now() < entry.expiresAt) this.#armExpiry(entry);
      else this.#fail(entry, expiryError(this.#options.name, entry));
    }, delay);
  }

  /** Answers a request with an error now, wherever it is. */
  #fail(entry: Entry, error: InferoxError): void {
    if (entry.state === 'queued') {
      this.#queue.delete(entry.node!);
      this.#settle(entry, undefined, error);
      // A new head may be ready (its batch delay over) and the close may be done.
      this.#arbiter.dispatch();
      this.#checkIdle();
    } else if (entry.state === 'running') {
      this.#settle(entry, undefined, error);
      const execution = entry.execution!;
      if (execution.members.every((m) => m.state === 'settled')) execution.context.abort(error);
    }
  }

  #settle(entry: Entry, result: ScheduledResult | undefined, error: InferoxError | undefined): void {
    entry.state = 'settled';
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.onAbort) entry.signal!.removeEventListener('abort', entry.onAbort);
    entry.onAbort = undefined;
    if (result) {
      this.#stats.completed++;
      entry.sink.resolve(result);
    } else {
      this.#countFailure(error!);
      entry.sink.reject(error);
    }
  }

  #countFailure(error: InferoxError): void {
    const { code } = error;
    this.#stats.failed[code] = (this.#stats.failed[code] ?? 0) + 1;
  }

  #finish(execution: Execution, batch: ComposedBatch | undefined, outputs: Record<string, Tensor> | undefined, error: unknown): void {
    const { members } = execution;
    const now = Date.now();
    this.#executions.delete(execution);
    this.#slots[execution.executor]!--;
    this.#running -= members.length;
    const name = JSON.stringify(this.#options.name);
    const { parts, error: failed } = splitRun(execution.executor, name, batch, outputs, error);
    error = failed;
    if (parts === undefined) {
      const failure = toInferoxError(error, ErrorCode.BACKEND_ERROR, `run of ${name} on executor ${execution.executor}`);
      this.#log('debug', 'scheduler run failed', { size: members.length, code: failure.code });
      for (const m of members) if (m.state === 'running') this.#settle(m, undefined, failure);
      if (outputs) disposeOutputs(Object.values(outputs), members);
    } else {
      const computeMs = now - execution.startedAt;
      for (let i = 0; i < members.length; i++) {
        const m = members[i]!;
        if (m.state === 'running') this.#settle(m, resultOf(execution, m, parts[i]!, computeMs), undefined);
        else disposeOutputs(Object.values(parts[i]!), members);
      }
    }
    this.#arbiter.release(execution.reservation);
    this.#checkIdle();
  }

  #freeExecutor(): number {
    let best = -1;
    for (let i = 0; i < this.#slots.length; i++) {
      const used = this.#slots[i]!;
      if (used < this.#options.maxConcurrent && (best < 0 || used < this.#slots[best]!)) best = i;
    }
    return best;
  }

  #planBatch(batching: ResolvedBatching, leader: Entry, free: number, executor: number): Plan | undefined {
    const decision = planBatch(batching, this.#queue, leader, free, executor, this.#closing);
    if (decision.waitUntil !== undefined) {
      this.#batchTimer.arm(decision.waitUntil);
      return undefined;
    }
    if (decision.scanned) this.#batchTimer.clear();
    return decision.plan;
  }

  #rejectQueued(error: InferoxError): void {
    for (const entry of this.#queue.toArray()) {
      this.#queue.delete(entry.node!);
      this.#settle(entry, undefined, error);
    }
  }

  /** Ends a drain: rejects what waits and answers what runs, aborting the runs. */
  #abandon(error: InferoxError): void {
    this.#rejectQueued(error);
    for (const execution of [...this.#executions]) for (const m of execution.members) this.#fail(m, error);
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (!this.#closing || this.#onIdle === undefined || this.#queue.size > 0 || this.#executions.size > 0) return;
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    this.#batchTimer.clear();
    if (this.#closeSignal) this.#closeSignal.signal.removeEventListener('abort', this.#closeSignal.listener);
    this.#closeSignal = undefined;
    this.#arbiter.detach(this);
    const onIdle = this.#onIdle;
    this.#onIdle = undefined;
    onIdle();
  }
}

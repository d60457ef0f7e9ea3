import { ErrorCode, InferoxError, type ModelSignature, type TensorMap, toInferoxError, validateFeeds } from '@inferox/core';
import type { ResultSink } from '../scheduler/internal/scheduler-entry';
import type { InferOptions } from '../infer-options';
import type { FallbackReport, InferResult } from '../infer-result';
import type { EngineState } from './engine-state';
import type { Replica, ReplicaResult } from './replica';
import { byPriority, route } from './routing';
import { type VersionEntry, label } from './version-entry';

/** The `model` label of requests whose name does not resolve to a loaded model. */
export const UNKNOWN_MODEL = '(unknown)';

/**
 * A request's failure as the caller gets it (an {@link InferoxError}; anything else becomes `INTERNAL`), counted in the
 * requests metric under the model's name and the backend it last reached (`none` before a replica). Names that do not
 * resolve share one label, so callers cannot grow the series without bound.
 */
export function requestFailed(state: EngineState, error: unknown, nameText: unknown, model: string, backend: string): InferoxError {
  const e = toInferoxError(error, ErrorCode.INTERNAL, `request to ${typeof nameText === 'string' ? nameText.slice(0, 200) : String(nameText)}`);
  state.counters.requests.add({ model: e.code === ErrorCode.MODEL_NOT_FOUND ? UNKNOWN_MODEL : model, backend, outcome: e.code });
  return e;
}

function shutDown(entry: VersionEntry): InferoxError {
  return new InferoxError(ErrorCode.SHUT_DOWN, `request to ${label(entry)}: the engine is closed`);
}

/**
 * After a hot swap, the replicas of the version now serving `entry`'s slot on backends not tried yet: a request whose
 * replicas were all used up or retired meanwhile may still be answered there.
 */
function swappedInReplicas(state: EngineState, entry: VersionEntry, tried: ReadonlySet<string> | undefined): Replica[] {
  const current = state.table.current(entry.name, entry.version);
  if (!current || current === entry || current.state !== 'ready') return [];
  return byPriority(state, current.replicas).filter((r) => !tried?.has(r.backend));
}

/** The result of a run on `replica`, counting its success (the cached metric series of the replica). */
function resultOf(state: EngineState, entry: VersionEntry, replica: Replica, r: ReplicaResult): InferResult {
  state.table.touch(entry);
  const series = state.seriesOf(replica);
  series.queue.observe(r.queueMs / 1000);
  series.compute.observe(r.computeMs / 1000);
  series.success.count += 1;
  return {
    outputs: r.outputs,
    backend: replica.backend,
    device: replica.device,
    model: entry.name,
    version: entry.version,
    timings: { queueMs: r.queueMs, computeMs: r.computeMs },
    batchSize: r.batchSize,
  };
}

/**
 * Runs a request on `entry`: routes it, validates the feeds against the signature, submits it to the chosen replica
 * and, on a fallback code (`config.fallbackOn`), retries on the other replicas by backend priority — and, once those
 * are used up during a hot swap, on the new version's replicas of backends not tried yet.
 *
 * @param started - `performance.now()` when the request arrived: its timeout covers every attempt.
 * @returns the result; rejects with the last replica's error, caller errors (`INVALID_INPUT`, `CANCELLED`,
 *   `TIMEOUT`, ...) at once.
 */
export function dispatch(state: EngineState, nameText: string, entry: VersionEntry, feeds: TensorMap, options: InferOptions, started: number): Promise<InferResult> {
  return new Promise((resolve, reject) => new Dispatch(state, nameText, entry, feeds, options, started, resolve, reject).start());
}

/**
 * One request's attempts, and the scheduler's {@link ResultSink} for them. A waiting request is this object, its
 * scheduler entry and its caller's promise: no async frame or promise of the engine's own, which every request of a
 * burst would keep alive for the garbage collector to copy (issue 19).
 */
class Dispatch implements ResultSink {
  #order: Replica[] = [];
  #signature: ModelSignature | undefined;
  #i = 0;
  #replica: Replica | undefined;
  /** The backend the request last reached, for the requests metric (`none` before a replica). */
  #served = 'none';
  #fellBack: FallbackReport | undefined;
  #last: InferoxError | undefined;
  #lastBackend = '';
  #tried: Set<string> | undefined;
  #swappedIn = false;
  /** Until the first attempt, the feeds are as validated: a replica of that same signature need not recheck them. */
  #fresh = true;

  constructor(
    readonly state: EngineState,
    readonly nameText: string,
    readonly entry: VersionEntry,
    readonly feeds: TensorMap,
    readonly options: InferOptions,
    readonly started: number,
    readonly answer: (result: InferResult) => void,
    readonly fail: (error: InferoxError) => void,
  ) {}

  start(): void {
    const { state, entry, options } = this;
    // Counted while the request is dispatched (eviction waits for it).
    entry.inflight += 1;
    try {
      const { order, refused } = route(state, entry, options);
      this.#order = order;
      this.#signature = (order.find((r) => r.usable) ?? order[0]!).signature;
      validateFeeds(this.#signature, this.feeds);
      if (refused) {
        // The requested backend's replica is unavailable (its init failed): fall back as if it had refused the run.
        if (!state.config.fallback || !this.#fallsBackOn(refused.error.code)) throw refused.error;
        this.#fellBack = { from: refused.backend, reason: refused.error.code, message: refused.error.message };
        this.#last = refused.error;
        this.#lastBackend = refused.backend;
      }
    } catch (error) {
      this.#end(error);
      return;
    }
    this.#next();
  }

  #fallsBackOn(code: string): boolean {
    return (this.state.config.fallbackOn as readonly string[]).includes(code);
  }

  /** Submits the request to the next replica to try, or ends it with the last error when none is left. */
  #next(): void {
    const { state, entry, options } = this;
    const { fallback } = state.config;
    const order = this.#order;
    try {
      for (; this.#i === 0 || (fallback && this.#i <= order.length); ) {
        const i = this.#i++;
        if (i === order.length) {
          if (this.#swappedIn || !this.#last) break;
          this.#swappedIn = true;
          order.push(...swappedInReplicas(state, entry, this.#tried));
          if (i === order.length) break;
        }
        const replica = order[i]!;
        // A replica retired meanwhile (swap or unload) takes no new work; its version's live ones may.
        if (replica.state !== 'live') continue;
        if (this.#last) state.counters.fallbacks.add({ model: entry.name, from: this.#lastBackend, to: replica.backend, reason: this.#last.code });
        if (state.phase === 'stopped') throw shutDown(entry);
        this.#served = replica.backend;
        this.#replica = replica;
        const timeoutMs = options.timeoutMs ?? state.config.defaultTimeoutMs;
        const remaining = timeoutMs === undefined ? undefined : timeoutMs - (performance.now() - this.started);
        let refusal: InferoxError | undefined;
        if (!replica.usable) {
          refusal = new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `backend ${JSON.stringify(replica.backend)} of ${label(entry)} is unavailable`, { details: { backend: replica.backend } });
        } else if (remaining !== undefined && remaining <= 0) {
          refusal = new InferoxError(ErrorCode.TIMEOUT, `request to ${label(entry)} timed out after ${timeoutMs} ms`);
        }
        if (refusal) {
          if (this.#failedOn(replica, refusal)) continue;
          return;
        }
        replica.submitTo(this.feeds, remaining === undefined ? options : { ...options, timeoutMs: remaining }, this.#fresh && replica.signature === this.#signature, this);
        return;
      }
      throw this.#last ?? new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `${label(entry)} has no live replica`, { details: { model: entry.name } });
    } catch (error) {
      this.#end(error);
    }
  }

  /**
   * Notes `replica`'s failure: true when the request goes on to another replica, false when it ended with this error
   * (not a fallback code, or the caller aborted).
   */
  #failedOn(replica: Replica, error: unknown): boolean {
    this.#fresh = false;
    (this.#tried ??= new Set()).add(replica.backend);
    const e = toInferoxError(error, ErrorCode.BACKEND_ERROR, `${replica.backend} run of ${label(this.entry)}`);
    if (!this.#fallsBackOn(e.code) || this.options.signal?.aborted) {
      this.#end(e);
      return false;
    }
    this.state.logger.warn('replica failed; trying another', { model: label(this.entry), backend: replica.backend, code: e.code, error: e.message });
    this.#fellBack ??= { from: replica.backend, reason: e.code, message: e.message };
    this.#last = e;
    this.#lastBackend = replica.backend;
    return true;
  }

  /** The scheduler's answer: the request's result. */
  resolve(r: ReplicaResult): void {
    try {
      const result = resultOf(this.state, this.entry, this.#replica!, r);
      this.entry.inflight -= 1;
      this.answer(this.#fellBack ? { ...result, fellBack: this.#fellBack } : result);
    } catch (error) {
      this.#end(error);
    }
  }

  /**
   * The scheduler's refusal or the run's failure: the next replica is tried on a later microtask (as after an
   * `await`), so a retry never runs inside the failed scheduler's bookkeeping.
   */
  reject(error: unknown): void {
    if (this.#failedOn(this.#replica!, error)) queueMicrotask(() => this.#next());
  }

  /** Ends the request with `error`, counted in the requests metric. */
  #end(error: unknown): void {
    this.entry.inflight -= 1;
    this.fail(requestFailed(this.state, error, this.nameText, this.entry.name, this.#served));
  }
}

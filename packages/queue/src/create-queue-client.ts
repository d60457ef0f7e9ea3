import { randomUUID } from 'node:crypto';
import { ErrorCode, InferoxError, type Logger, type TensorMap, abortError, noopLogger } from '@inferox/core';
import { type InferResult, PRIORITIES, type Priority } from '@inferox/engine';
import type { ClassifyOptions, EmbedOptions, EmbedResult, LabelScore, RerankOptions, RerankResult, TokenInfo, TokenizeOptions } from '@inferox/text';
import type { Registry } from 'prom-client';
import { Redis } from 'ioredis';
import { type ClientLane, type JobOutcome, openLane } from './internal/client-lane';
import { createClientMetrics } from './internal/client-metrics';
import { type InferJobResult, type QueueJobData, type QueueJobResult, WIRE_VERSION, decodeFailure } from './internal/job-wire';
import { type QueueConnection, checkQueueName, queueNameFor, toRedisOptions } from './internal/redis-options';
import { decodeTensors, encodeTensors } from './internal/tensor-codec';
import { summarize } from './internal/time-summary';
import { cancelChannel, liveWorkers } from './internal/worker-presence';
import { BULLMQ_PRIORITY } from './queue-priority';
import type { QueueDepth, QueueModelAnnouncement, QueueStats } from './queue-stats';

/** Options of {@link createQueueClient}. */
export interface QueueClientOptions {
  /** Where Redis is: `redis://host:port` or ioredis options. */
  readonly connection: QueueConnection;
  /** @defaultValue `'inferox'` */
  readonly queue?: string;
  /** BullMQ key prefix. @defaultValue `'bull'` */
  readonly prefix?: string;
  /** Most jobs waiting per model queue; adding beyond fails with `QUEUE_FULL` (a soft bound: concurrent producers may overshoot it by their in-flight adds). @defaultValue no bound */
  readonly maxWaiting?: number;
  /** How long finished jobs stay in Redis, for inspection and for answers whose event was missed. @defaultValue 3600 */
  readonly keepFinishedSeconds?: number;
  /** How often pending requests older than this are looked up directly, in case their event was lost. @defaultValue 5000 */
  readonly reconcileMs?: number;
  readonly logger?: Logger;
}

/** Request options of every client method. */
export interface QueueRequestOptions {
  /** Maps to a BullMQ priority (critical 1 … low 4). @defaultValue `'normal'` */
  readonly priority?: Priority;
  /** Epoch ms: the request fails with `DEADLINE_EXCEEDED` then, and a worker that picks the job later drops it unrun. */
  readonly deadline?: number;
  /** Like `deadline`, relative and with code `TIMEOUT`. */
  readonly timeoutMs?: number;
  /** Aborting fails the request with `CANCELLED`, removes its job if it is still waiting, else asks its worker to abort it and discards its answer. */
  readonly signal?: AbortSignal;
}

/** {@link InferResult} plus where the job ran. */
export interface QueueInferResult extends InferResult {
  readonly job: { readonly id: string; readonly worker: string; readonly waitMs: number; readonly runMs: number };
}

/** A model some live worker serves, and how many serve it. */
export interface QueueModel extends QueueModelAnnouncement {
  readonly workers: number;
}

/** A client of the queue; see {@link createQueueClient}. */
export interface QueueClient extends AsyncDisposable {
  /**
   * Runs `model` on `feeds` on whichever worker takes the job. Tensors travel as binary frames.
   *
   * @returns the engine's result shape (outputs owned by the caller) plus the job's id, worker and wait.
   * @throws InferoxError `INVALID_INPUT`, `QUEUE_FULL`, `DEADLINE_EXCEEDED`, `TIMEOUT`, `CANCELLED`, `SHUT_DOWN`
   * (client closed) and every code the worker's engine raises; `BACKEND_ERROR` naming the cause when the job was
   * abandoned by more dying workers than allowed.
   */
  infer(model: string, feeds: TensorMap, options?: QueueRequestOptions): Promise<QueueInferResult>;
  /** Embeds texts on a worker serving text model `model`. @throws InferoxError as {@link QueueClient.infer}. */
  embed(model: string, inputs: readonly string[] | readonly (readonly number[])[], options?: Omit<EmbedOptions, 'signal' | 'priority' | 'timeoutMs'> & QueueRequestOptions): Promise<EmbedResult>;
  /** Classifies texts or pairs on a worker. @throws InferoxError as {@link QueueClient.infer}. */
  classify(model: string, inputs: readonly (string | readonly [string, string])[], options?: Omit<ClassifyOptions, 'signal' | 'priority' | 'timeoutMs'> & QueueRequestOptions): Promise<LabelScore[][]>;
  /** Reranks passages on a worker. @throws InferoxError as {@link QueueClient.infer}. */
  rerank(model: string, query: string, passages: readonly string[], options?: Omit<RerankOptions, 'signal' | 'priority' | 'timeoutMs'> & QueueRequestOptions): Promise<RerankResult[]>;
  /** Tokenizes texts with a worker's tokenizer for text model `model`. @throws InferoxError as {@link QueueClient.infer}. */
  tokenize(model: string, inputs: readonly string[], options?: Omit<TokenizeOptions, 'signal'> & QueueRequestOptions): Promise<TokenInfo[][]>;
  /** The models live workers announce. */
  models(): Promise<QueueModel[]>;
  /** Queue depth per model, live workers and the wait times this client saw. */
  stats(): Promise<QueueStats>;
  /** prom-client registry (depth, live workers, wait seconds, requests) for a `/metrics` endpoint to merge. */
  readonly metrics: Registry;
  /** Fails pending requests with `SHUT_DOWN` (their jobs still run) and disconnects. Idempotent. */
  close(): Promise<void>;
  dispose(): Promise<void>;
}

interface Pending {
  readonly model: string;
  readonly lane: ClientLane;
  readonly addedAt: number;
  resolve(result: QueueJobResult): void;
  reject(error: unknown): void;
}

function checkOptions(model: unknown, options: QueueRequestOptions): { priority: Priority; expiresAt?: number; expiryCode?: 'DEADLINE_EXCEEDED' | 'TIMEOUT' } {
  if (typeof model !== 'string' || model.length === 0 || model.length > 256) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `model must be a non-empty name, got ${JSON.stringify(String(model).slice(0, 80))}`);
  }
  const priority = options.priority ?? 'normal';
  if (!PRIORITIES.includes(priority)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `unknown priority ${JSON.stringify(String(priority).slice(0, 40))}; expected one of ${PRIORITIES.join(', ')}`);
  }
  const { deadline, timeoutMs } = options;
  if (deadline !== undefined && !Number.isFinite(deadline)) throw new InferoxError(ErrorCode.INVALID_INPUT, `deadline must be epoch milliseconds, got ${String(deadline).slice(0, 40)}`);
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new InferoxError(ErrorCode.INVALID_INPUT, `timeoutMs must be a positive number, got ${String(timeoutMs).slice(0, 40)}`);
  const byTimeout = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  if (deadline === undefined && byTimeout === undefined) return { priority };
  if (byTimeout !== undefined && (deadline === undefined || byTimeout < deadline)) return { priority, expiresAt: byTimeout, expiryCode: 'TIMEOUT' };
  return { priority, expiresAt: deadline!, expiryCode: 'DEADLINE_EXCEEDED' };
}

/**
 * Connects a client to the queue workers serve. Any number of clients (front ends) may share one queue; they hold
 * no state a restart would lose: accepted jobs live in Redis.
 *
 * @throws InferoxError `INVALID_INPUT` for a bad connection, queue name or bound.
 * @example
 * ```ts
 * const client = createQueueClient({ connection: 'redis://127.0.0.1:6379' });
 * const { outputs } = await client.infer('bert', feeds, { priority: 'high', timeoutMs: 5000 });
 * await client.close();
 * ```
 */
export function createQueueClient(options: QueueClientOptions): QueueClient {
  const queueName = checkQueueName(options.queue ?? 'inferox');
  const prefix = options.prefix ?? 'bull';
  const redisOptions = toRedisOptions(options.connection);
  const logger = options.logger ?? noopLogger;
  const { maxWaiting } = options;
  if (maxWaiting !== undefined && !(Number.isSafeInteger(maxWaiting) && maxWaiting >= 0)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `maxWaiting must be a non-negative integer, got ${String(maxWaiting).slice(0, 40)}`);
  }
  const keep = options.keepFinishedSeconds ?? 3600;
  const reconcileMs = options.reconcileMs ?? 5000;
  const redis = new Redis(redisOptions);
  redis.on('error', (error) => logger.debug('queue client: redis error', { error: error.message }));
  const lanes = new Map<string, Promise<ClientLane>>();
  const pending = new Map<string, Pending>();
  const waits: number[] = [];
  const outcomes: Record<string, number> = {};
  let closed = false;

  const count = (model: string, outcome: string): void => {
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    metrics.requests.inc({ model, outcome });
  };
  const settle = (jobId: string, outcome: JobOutcome): void => {
    const entry = pending.get(jobId);
    if (!entry) return; // another client's job, or one already answered, cancelled or timed out
    pending.delete(jobId);
    if (outcome.ok) {
      waits.push(outcome.result.waitMs);
      if (waits.length > 1024) waits.shift();
      metrics.wait.observe({ model: entry.model }, outcome.result.waitMs / 1000);
      entry.resolve(outcome.result);
    } else {
      entry.reject(decodeFailure(outcome.reason, `job ${jobId} on model ${JSON.stringify(entry.model)}`, jobId));
    }
  };
  const lane = (model: string): Promise<ClientLane> => {
    let found = lanes.get(model);
    if (!found) {
      found = openLane({
        name: queueNameFor(queueName, model), model, prefix, redisOptions, redis, onOutcome: settle,
        onError: (error) => logger.debug('queue client: redis error', { model, error: error.message }),
      });
      found.catch(() => lanes.delete(model));
      lanes.set(model, found);
    }
    return found;
  };

  // Answers whose event was lost (e.g. trimmed from the stream) are read from the job itself.
  const reconcile = async (): Promise<void> => {
    const old = [...pending].filter(([, p]) => Date.now() - p.addedAt > reconcileMs).slice(0, 200);
    await Promise.all(old.map(async ([id, p]) => {
      const job = await p.lane.queue.getJob(id).catch(() => undefined);
      if (job?.finishedOn === undefined) return;
      if (job.failedReason) settle(id, { ok: false, reason: job.failedReason });
      else settle(id, { ok: true, result: job.returnvalue as QueueJobResult });
    }));
  };
  const reconciler = setInterval(() => void reconcile(), reconcileMs);
  reconciler.unref();

  const submit = async (data: QueueJobData, options: QueueRequestOptions): Promise<QueueJobResult & { jobId: string }> => {
    if (closed) throw new InferoxError(ErrorCode.SHUT_DOWN, `the queue client was closed; ${data.kind} on ${JSON.stringify(data.model)} refused`);
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal, `${data.kind} on ${JSON.stringify(data.model)}`);
    const l = await lane(data.model);
    if (maxWaiting !== undefined) {
      const counts = await l.queue.getJobCounts('wait', 'prioritized');
      const waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0);
      if (waiting >= maxWaiting) {
        throw new InferoxError(ErrorCode.QUEUE_FULL, `queue ${JSON.stringify(l.queue.name)} has ${waiting} jobs waiting, at its bound of ${maxWaiting}; ${data.kind} on ${JSON.stringify(data.model)} refused`, { details: { waiting, maxWaiting } });
      }
    }
    const id = randomUUID();
    const what = `job ${id} (${data.kind} on ${JSON.stringify(data.model)})`;
    if (data.expiresAt !== undefined && data.expiresAt <= Date.now()) {
      const code = data.expiryCode ?? ErrorCode.DEADLINE_EXCEEDED;
      throw new InferoxError(code, `${what}: its ${code === ErrorCode.TIMEOUT ? 'timeout' : 'deadline'} passed before it was sent; nothing was queued`, { details: { jobId: id } });
    }
    // It may have fired while the lane opened or the queue was counted.
    if (signal?.aborted) throw abortError(signal, what);
    const cleanups: (() => void)[] = [];
    let adding: Promise<unknown> = Promise.resolve();
    const answer = new Promise<QueueJobResult>((resolve, reject) => {
      const done = (): void => { for (const c of cleanups) c(); };
      pending.set(id, { model: data.model, lane: l, addedAt: Date.now(), resolve: (r) => { done(); resolve(r); }, reject: (e) => { done(); reject(e); } });
    });
    // It may settle (timeout, abort) while the add below is still under way; it is awaited after that.
    answer.catch(() => undefined);
    const giveUp = (error: InferoxError, remove: boolean): void => {
      const entry = pending.get(id);
      if (!entry) return;
      pending.delete(id);
      entry.reject(error);
      // A waiting job is removed (once its add went through); an active one (locked) is asked to stop on its worker,
      // and its answer is discarded.
      if (remove) {
        void adding
          .then(() => l.queue.remove(id))
          .then((removed) => (removed ? 0 : redis.publish(cancelChannel(prefix, queueName), id)))
          .catch(() => 0);
      }
    };
    if (signal) {
      const onAbort = (): void => {
        const error = abortError(signal, what);
        giveUp(new InferoxError(error.code, error.message, { cause: error.cause, details: { jobId: id } }), true);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener('abort', onAbort));
    }
    if (data.expiresAt !== undefined) {
      const code = data.expiryCode ?? ErrorCode.DEADLINE_EXCEEDED;
      const timer = setTimeout(() => giveUp(new InferoxError(code, `${what} did not finish before its ${code === ErrorCode.TIMEOUT ? 'timeout' : 'deadline'}`, { details: { jobId: id } }), false), Math.max(0, data.expiresAt - Date.now()));
      cleanups.push(() => clearTimeout(timer));
    }
    try {
      adding = l.queue.add(data.kind, data, {
        jobId: id,
        priority: BULLMQ_PRIORITY[data.priority],
        attempts: 1,
        removeOnComplete: { age: keep },
        removeOnFail: { age: keep },
      });
      await adding;
    } catch (error) {
      giveUp(new InferoxError(ErrorCode.BACKEND_ERROR, `adding job ${id} to ${JSON.stringify(l.queue.name)} failed: ${(error as Error).message}`, { cause: error, details: { jobId: id } }), false);
    }
    return { ...(await answer), jobId: id };
  };

  const record = <T>(model: string, work: Promise<T>): Promise<T> =>
    work.then(
      (value) => { count(model, 'ok'); return value; },
      (error: unknown) => { count(model, (error as { code?: string }).code ?? 'INTERNAL'); throw error; },
    );
  const base = (model: string, options: QueueRequestOptions) => ({ v: WIRE_VERSION, model, ...checkOptions(model, options) });
  const split = <O extends QueueRequestOptions>(options: O): Record<string, unknown> => {
    const { priority: _p, deadline: _d, timeoutMs: _t, signal: _s, ...rest } = options;
    return rest;
  };

  const refuseClosed = (what: string): void => {
    if (closed) throw new InferoxError(ErrorCode.SHUT_DOWN, `the queue client was closed; ${what} refused`);
  };
  const stats = async (): Promise<QueueStats> => {
    refuseClosed('stats()');
    const workers = await liveWorkers(redis, prefix, queueName);
    const names = new Set([...lanes.keys(), ...workers.flatMap((w) => w.models.map((m) => m.name))]);
    const depth = await Promise.all([...names].sort().map(async (model): Promise<QueueDepth> => {
      const c = await (await lane(model)).queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'completed', 'failed');
      return { model, waiting: (c.wait ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
    }));
    return { queue: queueName, depth, workers, waitMs: summarize(waits), outcomes: { ...outcomes } };
  };
  const metrics = createClientMetrics(stats);

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    clearInterval(reconciler);
    for (const [id, p] of [...pending]) {
      pending.delete(id);
      p.reject(new InferoxError(ErrorCode.SHUT_DOWN, `the queue client closed before job ${id} on ${JSON.stringify(p.model)} answered (the job may still run)`));
    }
    const opened = await Promise.allSettled([...lanes.values()]);
    await Promise.all(opened.map((o) => (o.status === 'fulfilled' ? o.value.close() : undefined)));
    redis.disconnect();
  };

  return {
    infer: (model, feeds, options = {}) => {
      const run = async (): Promise<QueueInferResult> => {
        if (typeof feeds !== 'object' || feeds === null) throw new InferoxError(ErrorCode.INVALID_INPUT, `feeds must be an object of tensors, got ${String(feeds).slice(0, 40)}`);
        const data: QueueJobData = { ...base(model, options), kind: 'infer', feeds: encodeTensors(feeds).toString('base64') };
        const r = (await submit(data, options)) as InferJobResult & { jobId: string };
        const outputs = decodeTensors(Buffer.from(r.outputs, 'base64'), `answer of ${model}`);
        return {
          outputs, backend: r.backend, device: r.device, model: r.model, version: r.version, ...(r.fellBack ? { fellBack: r.fellBack } : {}),
          timings: r.timings, batchSize: r.batchSize, job: { id: r.jobId, worker: r.worker, waitMs: r.waitMs, runMs: r.runMs },
        };
      };
      return record(String(model), run());
    },
    embed: (model, inputs, options = {}) => record(String(model), (async () => {
      const r = await submit({ ...base(model, options), kind: 'embed', inputs, options: split(options) }, options);
      if (r.kind !== 'embed') throw new InferoxError(ErrorCode.INTERNAL, `embed on ${model} got a ${r.kind} answer`);
      const bytes = Buffer.from(r.embeddings, 'base64');
      const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
      return { embeddings: Array.from({ length: r.count }, (_, i) => all.slice(i * r.dimensions, (i + 1) * r.dimensions)), tokens: r.tokens };
    })()),
    classify: (model, inputs, options = {}) => record(String(model), (async () => {
      const r = await submit({ ...base(model, options), kind: 'classify', inputs, options: split(options) }, options);
      return (r as { value: LabelScore[][] }).value;
    })()),
    rerank: (model, query, passages, options = {}) => record(String(model), (async () => {
      const r = await submit({ ...base(model, options), kind: 'rerank', query, passages, options: split(options) }, options);
      return (r as { value: RerankResult[] }).value;
    })()),
    tokenize: (model, inputs, options = {}) => record(String(model), (async () => {
      const r = await submit({ ...base(model, options), kind: 'tokenize', inputs, options: split(options) }, options);
      return (r as { value: TokenInfo[][] }).value;
    })()),
    models: async () => {
      refuseClosed('models()');
      const byName = new Map<string, QueueModel>();
      for (const w of await liveWorkers(redis, prefix, queueName)) {
        for (const m of w.models) byName.set(m.name, { ...m, workers: (byName.get(m.name)?.workers ?? 0) + 1 });
      }
      return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    },
    stats,
    metrics: metrics.registry,
    close,
    dispose: close,
    [Symbol.asyncDispose]: close,
  };
}

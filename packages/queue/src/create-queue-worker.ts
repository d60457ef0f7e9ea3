import { hostname } from 'node:os';
import { ErrorCode, InferoxError, type Logger, noopLogger, toInferoxError } from '@inferox/core';
import type { Engine } from '@inferox/engine';
import type { TextModel } from '@inferox/text';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { runJob } from './internal/run-job';
import { type QueueJobData, type QueueJobResult, WIRE_VERSION, encodeFailure } from './internal/job-wire';
import { type QueueConnection, checkQueueName, forBullmq, queueNameFor, toRedisOptions } from './internal/redis-options';
import { announceWorker, cancelChannel, withdrawWorker } from './internal/worker-presence';
import type { QueueModelAnnouncement, QueueWorkerInfo } from './queue-stats';

/** Options of {@link createQueueWorker}. */
export interface QueueWorkerOptions {
  /** Runs the jobs; stays the caller's (closing the worker does not close it). */
  readonly engine: Engine;
  /** Where Redis is: `redis://host:port` or ioredis options. */
  readonly connection: QueueConnection;
  /** The queue name clients and workers share. @defaultValue `'inferox'` */
  readonly queue?: string;
  /** Jobs run at once per model (the engine can batch them together). @defaultValue 1 */
  readonly concurrency?: number;
  /** Engine models to serve. @defaultValue every model the engine has when the worker starts */
  readonly models?: readonly string[];
  /** Text models to serve (`embed`, `classify`, `rerank` jobs); their engine models are not served as tensors. */
  readonly textModels?: readonly TextModel[];
  /** This worker's id in announcements and in BullMQ's `processedBy`. @defaultValue `host:pid:random` */
  readonly id?: string;
  /** BullMQ key prefix. @defaultValue `'bull'` */
  readonly prefix?: string;
  /** How long a job's lock lasts without renewal; a worker that dies loses its jobs after this. @defaultValue 30000 */
  readonly lockDurationMs?: number;
  /** How often workers look for jobs whose worker died (stalled jobs). @defaultValue 30000 */
  readonly stalledIntervalMs?: number;
  /**
   * How many times a job may be abandoned by a dying worker and started again; one more and it fails naming the
   * cause (a poison job that kills every worker runs at most `maxStalledCount + 1` times). @defaultValue 1
   */
  readonly maxStalledCount?: number;
  /** How often the worker announces itself; it is considered gone 3 heartbeats after the last. @defaultValue 1000 */
  readonly heartbeatMs?: number;
  readonly logger?: Logger;
}

/** A running queue worker; see {@link createQueueWorker}. */
export interface QueueWorker extends AsyncDisposable {
  readonly id: string;
  /** The queue names (one per model) it takes jobs from. */
  readonly queues: readonly string[];
  /** Its announcement as of now. */
  info(): QueueWorkerInfo;
  /** Stops taking jobs, lets running ones finish, withdraws its announcement. Idempotent. Leaves the engine open. */
  close(): Promise<void>;
  /** Same as {@link QueueWorker.close}. */
  dispose(): Promise<void>;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < (name === 'maxStalledCount' ? 0 : 1)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${name} must be a ${name === 'maxStalledCount' ? 'non-negative' : 'positive'} integer, got ${String(value).slice(0, 40)}`);
  }
  return n;
}

function announcements(engine: Engine, tensorModels: readonly string[], textModels: readonly TextModel[]): QueueModelAnnouncement[] {
  const tensor = tensorModels.map((name): QueueModelAnnouncement => {
    const info = engine.info(name);
    return { name, kind: 'tensor', version: info.version, signature: info.signature, metadata: info.metadata };
  });
  const text = textModels.map((m): QueueModelAnnouncement => ({ name: m.name, kind: m.task, text: m.info }));
  return [...tensor, ...text];
}

/**
 * Starts a worker that takes inference jobs for its models from Redis (one BullMQ queue per model), runs them on
 * its engine and announces which models it serves and how busy it is. Any number of workers on any number of
 * machines may serve one queue; a job whose worker dies is started again by another (BullMQ stalled recovery).
 *
 * @returns once connected to Redis and taking jobs.
 * @throws InferoxError `INVALID_INPUT` (bad queue name, counts or connection, no model to serve, an unknown model),
 * `MODEL_NOT_FOUND`.
 * @example
 * ```ts
 * const engine = createEngine({ backends: [createOnnxBackend()] });
 * await engine.load('bert', { source: './tiny-bert' });
 * const worker = await createQueueWorker({ engine, connection: 'redis://127.0.0.1:6379', concurrency: 4 });
 * process.on('SIGTERM', () => void worker.close().then(() => engine.close()));
 * ```
 */
export async function createQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const queue = checkQueueName(options.queue ?? 'inferox');
  const concurrency = positiveInt(options.concurrency, 1, 'concurrency');
  const lockDuration = positiveInt(options.lockDurationMs, 30_000, 'lockDurationMs');
  const stalledInterval = positiveInt(options.stalledIntervalMs, 30_000, 'stalledIntervalMs');
  const maxStalledCount = positiveInt(options.maxStalledCount, 1, 'maxStalledCount');
  const heartbeatMs = positiveInt(options.heartbeatMs, 1000, 'heartbeatMs');
  const logger = options.logger ?? noopLogger;
  const prefix = options.prefix ?? 'bull';
  const redisOptions = toRedisOptions(options.connection);
  const { engine } = options;
  const textModels = options.textModels ?? [];
  const textNames = new Set(textModels.map((m) => m.name));
  const tensorModels = options.models ? [...options.models] : engine.list().map((m) => m.name).filter((n, i, all) => all.indexOf(n) === i && !textNames.has(n));
  for (const name of tensorModels) engine.info(name);
  const models = announcements(engine, tensorModels, textModels);
  if (models.length === 0) throw new InferoxError(ErrorCode.INVALID_INPUT, `the worker for queue ${JSON.stringify(queue)} has no model to serve: load one into the engine or pass textModels`);
  const id = options.id ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const startedAt = Date.now();
  const counts = { active: 0, completed: 0, failed: 0 };
  const texts = new Map(textModels.map((m) => [m.name, m]));

  const processJob = async (job: Job<QueueJobData, QueueJobResult>, _token?: string, signal?: AbortSignal): Promise<QueueJobResult> => {
    const data = job.data;
    const pickedAt = Date.now();
    const what = `job ${job.id} (${data?.kind} on ${JSON.stringify(String(data?.model).slice(0, 80))})`;
    if (data?.v !== WIRE_VERSION) {
      throw new UnrecoverableError(encodeFailure(ErrorCode.INVALID_INPUT, `${what} has wire version ${String(data?.v)}; worker ${id} speaks ${WIRE_VERSION}`));
    }
    if (data.expiresAt !== undefined && pickedAt > data.expiresAt) {
      const code = data.expiryCode ?? ErrorCode.DEADLINE_EXCEEDED;
      const limit = code === ErrorCode.TIMEOUT ? 'its timeout' : 'its deadline';
      throw new UnrecoverableError(encodeFailure(code, `${what} was picked ${pickedAt - data.expiresAt} ms after ${limit} passed; it did not run`));
    }
    counts.active += 1;
    try {
      const result = await runJob({ engine, texts, data, signal, what });
      counts.completed += 1;
      return { ...result, worker: id, waitMs: Math.max(0, pickedAt - job.timestamp), runMs: Date.now() - pickedAt } as QueueJobResult;
    } catch (error) {
      counts.failed += 1;
      const e = toInferoxError(error);
      throw new UnrecoverableError(encodeFailure(e.code, e.message));
    } finally {
      counts.active -= 1;
    }
  };

  const workers = models.map((m) => {
    const worker = new Worker<QueueJobData, QueueJobResult>(queueNameFor(queue, m.name), processJob, {
      connection: forBullmq(redisOptions),
      prefix,
      concurrency,
      lockDuration,
      stalledInterval,
      maxStalledCount,
      name: id,
      autorun: false,
    });
    worker.on('error', (error) => logger.warn('queue worker: redis error', { worker: id, model: m.name, error: error.message }));
    return worker;
  });
  const presence = new Redis(redisOptions);
  presence.on('error', (error) => logger.debug('queue worker: presence connection error', { worker: id, error: error.message }));
  const info = (): QueueWorkerInfo => ({ id, host: hostname(), pid: process.pid, models, concurrency, ...counts, startedAt, heartbeatAt: Date.now() });
  const announce = (): Promise<void> =>
    announceWorker(presence, prefix, queue, info(), heartbeatMs * 3).catch((error: unknown) => {
      logger.warn('queue worker: announcement failed', { worker: id, error: (error as Error).message });
    });
  // A client whose caller cancelled a running job asks whichever worker holds it to abort it (BullMQ's cancelJob
  // reaches the processor's signal only inside the process that runs the job).
  const cancels = new Redis(redisOptions);
  cancels.on('error', (error) => logger.debug('queue worker: cancel channel error', { worker: id, error: error.message }));
  cancels.on('message', (_channel: string, jobId: string) => {
    for (const w of workers) if (w.cancelJob(jobId, 'cancelled by its caller')) logger.debug('queue worker: job cancelled', { worker: id, job: jobId });
  });
  await cancels.subscribe(cancelChannel(prefix, queue));
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  for (const w of workers) void w.run().catch((error: unknown) => logger.error('queue worker: loop ended', { worker: id, error: (error as Error).message }));
  await announce();
  const heartbeat = setInterval(() => void announce(), heartbeatMs);
  logger.info('queue worker: started', { worker: id, queue, models: models.map((m) => m.name).join(',') });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(heartbeat);
      await Promise.all(workers.map((w) => w.close()));
      await withdrawWorker(presence, prefix, queue, id).catch(() => undefined);
      presence.disconnect();
      cancels.disconnect();
      logger.info('queue worker: closed', { worker: id });
    })();
    return closing;
  };
  return {
    id,
    queues: workers.map((w) => w.name),
    info,
    close,
    dispose: close,
    [Symbol.asyncDispose]: close,
  };
}

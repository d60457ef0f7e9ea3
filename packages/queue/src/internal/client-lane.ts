/**
 * One model's queue as a client sees it: a BullMQ `Queue` to add jobs and a `QueueEvents` reader whose `completed`
 * and `failed` events settle the client's pending requests. The reader starts from the events stream's last entry
 * read before the first job is added, so no answer can slip past it; after a Redis restart it resumes from the last
 * event it read.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { QueueJobResult } from './job-wire';
import { forBullmq } from './redis-options';

/** How a job ended, as its event says. */
export type JobOutcome = { readonly ok: true; readonly result: QueueJobResult } | { readonly ok: false; readonly reason: string | undefined };

/** A model's queue and its event reader. */
export interface ClientLane {
  readonly model: string;
  readonly queue: Queue;
  close(): Promise<void>;
}

/** Options of {@link openLane}. */
export interface OpenLaneOptions {
  readonly name: string;
  readonly model: string;
  readonly prefix: string;
  readonly redisOptions: RedisOptions;
  /** Shared connection for plain commands. */
  readonly redis: Redis;
  readonly onOutcome: (jobId: string, outcome: JobOutcome) => void;
  readonly onError: (error: Error) => void;
}

/** Opens a lane once Redis answers. */
export async function openLane(options: OpenLaneOptions): Promise<ClientLane> {
  const { name, prefix } = options;
  const last = (await options.redis.xrevrange(`${prefix}:${name}:events`, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
  const queue = new Queue(name, { connection: forBullmq(options.redisOptions), prefix });
  const events = new QueueEvents(name, { connection: forBullmq(options.redisOptions), prefix, lastEventId: last, autorun: true });
  queue.on('error', options.onError);
  events.on('error', options.onError);
  events.on('completed', ({ jobId, returnvalue }) => options.onOutcome(jobId, { ok: true, result: returnvalue as unknown as QueueJobResult }));
  events.on('failed', ({ jobId, failedReason }) => options.onOutcome(jobId, { ok: false, reason: failedReason }));
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  return {
    model: options.model,
    queue,
    close: async () => {
      await Promise.allSettled([events.close(), queue.close()]);
    },
  };
}

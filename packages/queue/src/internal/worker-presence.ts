/**
 * Workers announce themselves in Redis: a key per worker holding its announcement as JSON with a time to live,
 * refreshed every heartbeat, and a set of worker ids under the queue to find them. A worker whose key expired is
 * gone (crashed, killed or cut off); readers drop it from the set.
 */
import type { Redis } from 'ioredis';
import type { QueueWorkerInfo } from '../queue-stats';

/** The channel on which clients ask workers to stop a running job (message: the job id). */
export const cancelChannel = (prefix: string, queue: string): string => `${prefix}:${queue}:inferox:cancel`;

const setKey = (prefix: string, queue: string): string => `${prefix}:${queue}:inferox:workers`;
const workerKey = (prefix: string, queue: string, id: string): string => `${prefix}:${queue}:inferox:worker:${id}`;

/** Writes one worker's announcement, alive for `ttlMs`. */
export async function announceWorker(redis: Redis, prefix: string, queue: string, info: QueueWorkerInfo, ttlMs: number): Promise<void> {
  await redis.multi().set(workerKey(prefix, queue, info.id), JSON.stringify(info), 'PX', ttlMs).sadd(setKey(prefix, queue), info.id).exec();
}

/** Removes a worker's announcement (clean shutdown). */
export async function withdrawWorker(redis: Redis, prefix: string, queue: string, id: string): Promise<void> {
  await redis.multi().del(workerKey(prefix, queue, id)).srem(setKey(prefix, queue), id).exec();
}

/** Every live worker's announcement, by id. */
export async function liveWorkers(redis: Redis, prefix: string, queue: string): Promise<QueueWorkerInfo[]> {
  const ids = await redis.smembers(setKey(prefix, queue));
  if (ids.length === 0) return [];
  const values = await redis.mget(...ids.map((id) => workerKey(prefix, queue, id)));
  const live: QueueWorkerInfo[] = [];
  const gone: string[] = [];
  values.forEach((value, i) => {
    if (value === null) gone.push(ids[i]!);
    else live.push(JSON.parse(value) as QueueWorkerInfo);
  });
  if (gone.length > 0) await redis.srem(setKey(prefix, queue), ...gone);
  return live.sort((a, b) => a.id.localeCompare(b.id));
}

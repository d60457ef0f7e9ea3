import { ErrorCode, InferoxError } from '@inferox/core';
import type { ConnectionOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';

/** Where Redis is: a `redis://` / `rediss://` URL or ioredis options. */
export type QueueConnection = string | RedisOptions;

/** Reconnect forever, backing off to 2 s: a restarting Redis must not end workers or clients. */
const retryStrategy = (times: number): number => Math.min(100 * times, 2000);

/**
 * ioredis options BullMQ can use for every connection it makes (it requires `maxRetriesPerRequest: null`).
 *
 * @throws InferoxError `INVALID_INPUT` naming the URL when it is not a redis URL.
 */
export function toRedisOptions(connection: QueueConnection): RedisOptions {
  const base: RedisOptions = { maxRetriesPerRequest: null, retryStrategy, enableOfflineQueue: true };
  if (typeof connection !== 'string') {
    if (typeof connection !== 'object' || connection === null) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `connection must be a redis:// URL or ioredis options, got ${String(connection).slice(0, 80)}`);
    }
    return { ...base, ...connection, maxRetriesPerRequest: null };
  }
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `connection ${JSON.stringify(connection.slice(0, 120))} is not a URL (expected redis://host:port)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `connection ${JSON.stringify(connection.slice(0, 120))} is not a redis:// or rediss:// URL`);
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isSafeInteger(db) || db < 0) throw new InferoxError(ErrorCode.INVALID_INPUT, `connection ${JSON.stringify(connection.slice(0, 120))} names a bad database ${JSON.stringify(url.pathname.slice(1))}`);
  return {
    ...base,
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    db,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** BullMQ forbids `:` in queue names; model names become part of one. */
export function queueNameFor(queue: string, model: string): string {
  return `${queue}.${model.replaceAll(':', '_')}`;
}

/**
 * Checks a queue name given by the caller.
 *
 * @throws InferoxError `INVALID_INPUT` naming it.
 */
export function checkQueueName(queue: unknown): string {
  if (typeof queue !== 'string' || queue.length === 0 || queue.length > 200 || queue.includes(':')) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `queue must be a non-empty name without ":" (≤ 200 characters), got ${JSON.stringify(String(queue).slice(0, 80))}`);
  }
  return queue;
}

/** The same options typed for BullMQ (its own declaration of ioredis' options). */
export const forBullmq = (options: RedisOptions): ConnectionOptions => options as ConnectionOptions;

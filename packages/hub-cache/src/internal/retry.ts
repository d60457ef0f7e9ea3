import { throwIfAborted, type InferoxError } from '@inferox/core';
import type { HubContext } from './hub-context';
import { sleep } from './sleep';

/** A failure worth another attempt; `final` is what the caller sees once retries run out. */
export class RetryableError extends Error {
  constructor(
    readonly final: InferoxError,
    readonly retryAfterMs?: number,
  ) {
    super(final.message, { cause: final });
  }
}

/** Parses `Retry-After` (seconds, fractions tolerated, or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Runs `attempt` until it succeeds or throws something other than a {@link RetryableError}; after
 * `ctx.maxRetries` retries the last error's `final` is thrown. Waits follow `Retry-After` when given, else
 * exponential backoff with jitter; both are capped at `retryMaxDelayMs` and abort with `ctx.signal`.
 */
export async function withRetries<T>(ctx: HubContext, what: string, attempt: (index: number) => Promise<T>): Promise<T> {
  for (let index = 0; ; index++) {
    throwIfAborted(ctx.signal, what);
    try {
      return await attempt(index);
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      if (index >= ctx.maxRetries) throw error.final;
      const backoff = Math.min(ctx.retryMaxDelayMs, ctx.retryBaseDelayMs * 2 ** index) * (0.5 + Math.random() / 2);
      const delayMs = Math.round(Math.min(ctx.retryMaxDelayMs, error.retryAfterMs ?? backoff));
      ctx.logger.warn('hub request failed, retrying', { what, retry: index + 1, delayMs, reason: error.final.message });
      await sleep(delayMs, ctx.signal);
    }
  }
}

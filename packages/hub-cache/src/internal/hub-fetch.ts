import { abortError, InferoxError } from '@inferox/core';
import type { HubContext } from './hub-context';
import { parseRetryAfter, RetryableError } from './retry';

/** A response plus control over its attempt's timeout. */
export interface OpenedResponse {
  readonly response: Response;
  /** The URL that answered (after redirects). */
  readonly url: string;
  /** Restarts the idle timeout: call it for every chunk read. */
  touch(): void;
  /** Clears the timeout; call it once the body is consumed or dropped. */
  done(): void;
  /** Aborted when the attempt timed out. */
  readonly timeoutSignal: AbortSignal;
}

/** Request options of {@link hubFetch}. */
export interface HubFetchInit {
  readonly method: 'GET' | 'HEAD' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** `'same-origin'`: stop at a redirect to another origin and return it (to read its headers). */
  readonly redirects: 'all' | 'same-origin';
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/**
 * One attempt at a request: follows redirects itself so the token goes only to the hub's own origin, applies the
 * per-request timeout, and turns 429/5xx, network errors and timeouts into {@link RetryableError}s. Other statuses
 * are returned for the caller to interpret.
 *
 * @throws RetryableError for transient failures; InferoxError `CANCELLED` when `ctx.signal` aborts.
 */
export async function hubFetch(ctx: HubContext, url: string, init: HubFetchInit): Promise<OpenedResponse> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException(`hub request timed out after ${ctx.timeoutMs} ms`, 'TimeoutError')), ctx.timeoutMs);
  const done = (): void => clearTimeout(timer);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout.signal]) : timeout.signal;
  let current = url;
  let method: string = init.method;
  try {
    for (let hop = 0; ; hop++) {
      const sameOrigin = new URL(current).origin === ctx.endpointOrigin;
      const headers: Record<string, string> = { ...init.headers };
      if (sameOrigin && ctx.token) headers.authorization = `Bearer ${ctx.token}`;
      ctx.logger.debug('hub request', { method, url: current });
      const response = await ctx.fetch(current, { method, headers, body: method === 'POST' ? init.body : undefined, redirect: 'manual', signal });
      const location = response.headers.get('location');
      if (REDIRECTS.has(response.status) && location) {
        const next = new URL(location, current).href;
        if (init.redirects === 'same-origin' && new URL(next).origin !== ctx.endpointOrigin) return { response, url: current, touch: () => void timer.refresh(), done, timeoutSignal: timeout.signal };
        await response.body?.cancel();
        if (hop >= MAX_REDIRECTS) throw new InferoxError('HUB_ERROR', `too many redirects requesting ${url}`, { details: { url } });
        if (response.status === 303) method = 'GET';
        current = next;
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel();
        done();
        throw new RetryableError(
          new InferoxError('HUB_ERROR', `hub answered HTTP ${response.status} for ${current}`, { details: { url: current, status: response.status } }),
          parseRetryAfter(response.headers.get('retry-after')),
        );
      }
      return { response, url: current, touch: () => void timer.refresh(), done, timeoutSignal: timeout.signal };
    }
  } catch (error) {
    done();
    if (error instanceof RetryableError || error instanceof InferoxError) throw error;
    throw networkError(ctx, timeout.signal, current, error);
  }
}

/** Classifies an error thrown while requesting or reading `url`: abort, timeout (retryable) or network (retryable). */
export function networkError(ctx: HubContext, timeoutSignal: AbortSignal, url: string, error: unknown): Error {
  if (ctx.signal?.aborted) return abortError(ctx.signal, `hub request ${url}`);
  if (timeoutSignal?.aborted) {
    return new RetryableError(new InferoxError('TIMEOUT', `hub request ${url} got no data for ${ctx.timeoutMs} ms`, { cause: error, details: { url } }));
  }
  const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  return new RetryableError(new InferoxError('HUB_ERROR', `network error requesting ${url}: ${reason}`, { cause: error, details: { url } }));
}

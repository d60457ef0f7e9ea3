import { InferoxError } from '@inferox/core';
import type { HubContext } from './hub-context';
import { hubFetch, networkError, type OpenedResponse } from './hub-fetch';
import { withRetries } from './retry';
import { statusError, type StatusContext } from './status-error';

function tooBig(url: string, max: number, size: number | string): InferoxError {
  return new InferoxError('HUB_ERROR', `hub answered ${url} with ${size} bytes, over the limit of ${max} (maxApiBodyBytes)`, {
    details: { url, limit: 'maxApiBodyBytes', max },
  });
}

/** Reads a body as UTF-8 text, refusing (before and while reading) one over `max` bytes. */
async function readCapped(ctx: HubContext, opened: OpenedResponse, url: string, max: number): Promise<string> {
  const { response } = opened;
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > max) {
    await response.body?.cancel();
    throw tooBig(url, max, declared);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > max) {
          await reader.cancel();
          throw tooBig(url, max, `more than ${max}`);
        }
        chunks.push(value);
        opened.touch();
      }
    } catch (error) {
      if (error instanceof InferoxError) throw error;
      throw networkError(ctx, opened.timeoutSignal, opened.url, error);
    }
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * GETs a hub API URL with retries and returns its parsed JSON and the `Link: rel="next"` URL, if any. The body is
 * read only up to `ctx.maxApiBodyBytes`.
 *
 * @throws InferoxError `HUB_ERROR` for error statuses, a body over the limit or a body that is not JSON.
 */
export async function getHubJson(ctx: HubContext, url: string, status: Omit<StatusContext, 'url'>): Promise<{ body: unknown; next: string | undefined }> {
  return withRetries(ctx, `GET ${url}`, async () => {
    const opened = await hubFetch(ctx, url, { method: 'GET', headers: { accept: 'application/json' }, redirects: 'all' });
    try {
      if (!opened.response.ok) {
        await opened.response.body?.cancel();
        throw statusError(opened.response, { ...status, url: opened.url });
      }
      const text = await readCapped(ctx, opened, url, ctx.maxApiBodyBytes);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (cause) {
        throw new InferoxError('HUB_ERROR', `hub answered ${url} with a body that is not JSON`, { cause, details: { url } });
      }
      const link = opened.response.headers.get('link') ?? '';
      const next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
      return { body, next: next ? new URL(next, opened.url).href : undefined };
    } finally {
      opened.done();
    }
  });
}

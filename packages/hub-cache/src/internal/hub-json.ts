import { InferoxError } from '@inferox/core';
import type { HubContext } from './hub-context';
import { hubFetch } from './hub-fetch';
import { withRetries } from './retry';
import { statusError, type StatusContext } from './status-error';

/**
 * GETs a hub API URL with retries and returns its parsed JSON and the `Link: rel="next"` URL, if any.
 *
 * @throws InferoxError `HUB_ERROR` for error statuses or a body that is not JSON.
 */
export async function getHubJson(ctx: HubContext, url: string, status: Omit<StatusContext, 'url'>): Promise<{ body: unknown; next: string | undefined }> {
  return withRetries(ctx, `GET ${url}`, async () => {
    const opened = await hubFetch(ctx, url, { method: 'GET', headers: { accept: 'application/json' }, redirects: 'all' });
    try {
      if (!opened.response.ok) {
        await opened.response.body?.cancel();
        throw statusError(opened.response, { ...status, url: opened.url });
      }
      const text = await opened.response.text();
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

import { open, rename, rm, stat } from 'node:fs/promises';
import { InferoxError } from '@inferox/core';
import { etagKind, hashFile } from './hash-file';
import type { HubContext } from './hub-context';
import { hubFetch, networkError } from './hub-fetch';
import { RetryableError, withRetries } from './retry';
import { statusError, type StatusContext } from './status-error';

/** What to download and where. */
export interface BlobDownload {
  readonly url: string;
  readonly blobPath: string;
  readonly etag: string;
  readonly size: number | undefined;
  readonly onProgress: (downloadedBytes: number, totalBytes: number | undefined) => void;
  readonly status: Omit<StatusContext, 'url'>;
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

/**
 * Streams `url` into `<blob>.incomplete`, resuming with `Range` from the bytes already there (left by an earlier
 * call or an earlier attempt), checks size and hash against the etag, then renames it into place. A mismatch
 * deletes the partial file and counts as a retry; when retries run out it fails with `HUB_ERROR`.
 */
export async function downloadBlob(ctx: HubContext, job: BlobDownload): Promise<void> {
  const incomplete = `${job.blobPath}.incomplete`;
  const label = `${job.status.path ?? ''} of ${job.status.repo}`;
  await withRetries(ctx, `download ${label}`, async () => {
    let offset = await sizeOf(incomplete);
    if (job.size !== undefined && offset > job.size) {
      await rm(incomplete, { force: true });
      offset = 0;
    }
    if (job.size === undefined || offset < job.size || job.size === 0) {
      offset = await fetchInto(ctx, job, incomplete, offset);
    }
    const kind = etagKind(job.etag);
    const size = await sizeOf(incomplete);
    const actual = size === job.size || job.size === undefined ? await hashFile(incomplete, kind, ctx.signal) : undefined;
    if ((job.size !== undefined && size !== job.size) || (kind !== 'size-only' && actual !== job.etag)) {
      await rm(incomplete, { force: true });
      throw new RetryableError(
        new InferoxError(
          'HUB_ERROR',
          `downloaded ${label} does not match its etag ${job.etag}: got ${size} bytes${actual ? ` hashing to ${actual}` : ''}, expected ${job.size ?? 'unknown'} bytes; the partial file was deleted`,
          { details: { ...job.status, etag: job.etag, expectedSize: job.size, size, actual } },
        ),
      );
    }
    await rename(incomplete, job.blobPath);
  });
}

/** One GET into `incomplete` from `offset`; returns the bytes on disk afterwards. */
async function fetchInto(ctx: HubContext, job: BlobDownload, incomplete: string, offset: number): Promise<number> {
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  const opened = await hubFetch(ctx, job.url, { method: 'GET', headers, redirects: 'all' });
  const { response } = opened;
  let written = offset;
  if (response.status === 416 || !response.ok) {
    opened.done();
    await response.body?.cancel();
    if (response.status !== 416) throw statusError(response, { ...job.status, url: opened.url });
    await rm(incomplete, { force: true });
    throw new RetryableError(new InferoxError('HUB_ERROR', `hub refused the range bytes=${offset}- of ${job.url} (HTTP 416)`, { details: { url: job.url } }));
  }
  // Opened only now, so an error answer never truncates bytes kept for resuming.
  const handle = await open(incomplete, offset > 0 && response.status === 206 ? 'a' : 'w').catch(async (error: unknown) => {
    opened.done();
    await response.body?.cancel();
    throw error;
  });
  try {
    if (response.status !== 206) written = 0;
    ctx.logger.debug('downloading', { url: opened.url, resumeFrom: written, size: job.size });
    // Never write past the announced size (a longer body is cut there, then verified), nor past maxDownloadBytes
    // when no size was announced.
    const limit = job.size ?? ctx.maxDownloadBytes;
    if (response.body) {
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const room = limit - written;
          const part = value.byteLength > room ? value.subarray(0, room) : value;
          if (part.byteLength > 0) await handle.write(part);
          written += part.byteLength;
          opened.touch();
          job.onProgress(written, job.size);
          if (value.byteLength > room) {
            await reader.cancel().catch(() => undefined);
            if (job.size === undefined) {
              await rm(incomplete, { force: true });
              throw new InferoxError(
                'HUB_ERROR',
                `download of ${job.status.path ?? job.url} announced no size and passed ${ctx.maxDownloadBytes} bytes (maxDownloadBytes); the partial file was deleted`,
                { details: { ...job.status, limit: 'maxDownloadBytes', max: ctx.maxDownloadBytes } },
              );
            }
            ctx.logger.warn('hub sent more than the announced size; stopped there', { url: opened.url, size: job.size });
            break;
          }
        }
      } catch (error) {
        if (error instanceof InferoxError) throw error;
        throw networkError(ctx, opened.timeoutSignal, opened.url, error);
      }
    }
    return written;
  } finally {
    opened.done();
    await handle.close();
  }
}

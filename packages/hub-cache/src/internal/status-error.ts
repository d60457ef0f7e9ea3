import { InferoxError } from '@inferox/core';

/** What the failed request was about, for the message. */
export interface StatusContext {
  readonly repo: string;
  readonly revision: string;
  readonly path?: string;
  readonly endpoint: string;
  readonly tokenSent: boolean;
  readonly url: string;
}

/**
 * The error for a non-retryable HTTP status: 401/403 say the repo may be private or gated and whether a token was
 * sent; 404 tells repo, revision and file not found apart by `X-Error-Code`.
 */
export function statusError(response: Response, context: StatusContext): InferoxError {
  const status = response.status;
  const errorCode = response.headers.get('x-error-code') ?? undefined;
  const details = { ...context, status, errorCode };
  const token = context.tokenSent
    ? 'a token was sent but it does not grant access'
    : 'no token was sent (pass `token` or set HF_TOKEN)';
  let message: string;
  if (status === 401 || status === 403) {
    message = `access to hub repo ${context.repo} was refused (HTTP ${status}): the repo may be private or gated; ${token}`;
  } else if (status === 404 && errorCode === 'RepoNotFound') {
    message = `hub repo ${context.repo} was not found on ${context.endpoint} (HTTP 404 RepoNotFound; a private repo looks the same when ${token})`;
  } else if (status === 404 && errorCode === 'RevisionNotFound') {
    message = `revision ${context.revision} of hub repo ${context.repo} was not found (HTTP 404 RevisionNotFound)`;
  } else if (status === 404 && errorCode === 'EntryNotFound') {
    message = `file ${context.path ?? '(none)'} was not found in hub repo ${context.repo} at revision ${context.revision} (HTTP 404 EntryNotFound)`;
  } else {
    message = `hub answered HTTP ${status}${errorCode ? ` ${errorCode}` : ''} for ${context.url}`;
  }
  return new InferoxError('HUB_ERROR', message, { details });
}

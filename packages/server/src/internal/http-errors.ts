import { ErrorCode, InferoxError, isErrorCode, toInferoxError } from '@inferox/core';

/** The wire protocol a route speaks, which decides the shape of its error bodies. */
export type Protocol = 'v2' | 'openai' | 'tei' | 'plain';

/** The one table from error codes to HTTP statuses. */
const STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  PACKAGE_INVALID: 400,
  MODEL_NOT_FOUND: 404,
  QUEUE_FULL: 429,
  OUT_OF_MEMORY: 503,
  DEADLINE_EXCEEDED: 504,
  TIMEOUT: 504,
  SHUT_DOWN: 503,
  BACKEND_UNAVAILABLE: 503,
  BACKEND_ERROR: 500,
  DEVICE_ERROR: 500,
  HUB_ERROR: 502,
  // The client went away: nobody reads this status; 499 is nginx's "client closed request".
  CANCELLED: 499,
  DISPOSED: 503,
  INTERNAL: 500,
};

/** An error the server raises itself with an HTTP status that no error code implies (401, 413, 415, 405). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code: ErrorCode | 'UNAUTHORIZED' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'NOT_FOUND' = 'INVALID_INPUT',
  ) {
    super(message);
  }
}

/** What the error handler writes: status, body and extra headers. */
export interface ErrorReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

const RETRY_AFTER_SECONDS = '1';
const MAX_MESSAGE = 500;
// Absolute host paths (POSIX and Windows) are replaced in every message sent to a client.
const HOST_PATH = /(?:[A-Za-z]:)?(?:[/\\][\w.@+~-]+){2,}[/\\]?/g;

/** A message safe for a client: one line, no host paths, no stack, bounded length. */
export function clientMessage(message: string): string {
  const line = message.replace(/\s*\n[\s\S]*$/, '').replace(HOST_PATH, (path) => `<path>/${path.split(/[/\\]/).filter(Boolean).pop() ?? ''}`);
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

interface Classified {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** Classifies anything thrown in a route (InferoxError, HttpError, Fastify's own errors) into status and code. */
export function classify(error: unknown): Classified {
  if (error instanceof HttpError) return { status: error.statusCode, code: error.code, message: clientMessage(error.message) };
  if (error instanceof InferoxError || (typeof error === 'object' && error !== null && isErrorCode((error as { code?: unknown }).code))) {
    const e = toInferoxError(error);
    const status = STATUS[e.code];
    // A 500's message may come from native code; keep it, path-free, as it is what an operator needs.
    return { status, code: e.code, message: clientMessage(e.message) };
  }
  const fastify = error as { statusCode?: unknown; code?: unknown; message?: unknown; validation?: unknown };
  const status = typeof fastify.statusCode === 'number' ? fastify.statusCode : 500;
  const message = typeof fastify.message === 'string' ? fastify.message : 'internal error';
  if (status === 413) return { status, code: 'PAYLOAD_TOO_LARGE', message: clientMessage(message) };
  if (status === 415) return { status, code: 'UNSUPPORTED_MEDIA_TYPE', message: clientMessage(message) };
  if (status >= 400 && status < 500) return { status, code: ErrorCode.INVALID_INPUT, message: clientMessage(message) };
  return { status: 500, code: ErrorCode.INTERNAL, message: 'internal server error' };
}

const OPENAI_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

const TEI_TYPES: Readonly<Record<number, string>> = { 401: 'Unauthorized', 400: 'Validation', 413: 'Validation', 422: 'Validation', 429: 'Overloaded', 404: 'Validation' };

/**
 * The error reply of `protocol` for `error`: `{ error: message }` on v2, `{ error, error_type }` on TEI,
 * `{ error: { message, type, param, code } }` on OpenAI. QUEUE_FULL adds `Retry-After`.
 */
export function errorReply(error: unknown, protocol: Protocol): ErrorReply {
  const { status, code, message } = classify(error);
  const headers: Record<string, string> = status === 429 || (status === 503 && code === ErrorCode.SHUT_DOWN) ? { 'retry-after': RETRY_AFTER_SECONDS } : {};
  if (status === 401) headers['www-authenticate'] = 'Bearer';
  switch (protocol) {
    case 'openai':
      return { status, headers, body: { error: { message, type: OPENAI_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'), param: null, code: code.toLowerCase() } } };
    case 'tei':
      return { status, headers, body: { error: message, error_type: TEI_TYPES[status] ?? (status === 503 ? 'Unhealthy' : 'Backend') } };
    default:
      return { status, headers, body: { error: message, code } };
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The protocol of the route, which decides the shape of its error bodies. */
    protocol?: Protocol;
  }
}

import type { Logger } from '@inferox/core';
import type { ModelService } from './model-service';

/** Request limits; every one is checked before the work it bounds is allocated or queued. */
export interface ServerLimits {
  /** Largest request body in bytes (JSON or binary); larger gets 413. @defaultValue 2 MiB */
  readonly bodyLimitBytes: number;
  /** Most tensor elements in one v2 request, checked against declared shapes before any data is read. @defaultValue 1,048,576 */
  readonly maxElements: number;
  /** Most input tensors in one v2 request. @defaultValue 64 */
  readonly maxInputs: number;
  /** Most texts (or token-id lists) in one embeddings, predict, rerank or tokenize request (TEI's `max_client_batch_size`). @defaultValue 256 */
  readonly maxBatchInputs: number;
  /** Longest text in characters. @defaultValue 100,000 */
  readonly maxInputChars: number;
  /** Requests running at once across inference routes; more get 429 with `Retry-After`. @defaultValue 512 */
  readonly maxConcurrentRequests: number;
  /** Per-request timeout passed to the service (queue plus compute); 504 when it elapses. @defaultValue 30,000 */
  readonly requestTimeoutMs: number;
}

/** The defaults of {@link ServerLimits}. */
export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({
  bodyLimitBytes: 2 * 1024 * 1024,
  maxElements: 1_048_576,
  maxInputs: 64,
  maxBatchInputs: 256,
  maxInputChars: 100_000,
  maxConcurrentRequests: 512,
  requestTimeoutMs: 30_000,
});

/** Options of `createServer`. */
export interface ServerOptions {
  /** What runs the models. The server owns it: `close()` closes it. */
  readonly service: ModelService;
  /** With keys, every route but `/health`, `/v2/health/*` and the dashboard page needs `Authorization: Bearer <key>`. */
  readonly apiKeys?: readonly string[];
  readonly limits?: Partial<ServerLimits>;
  /** Serve the model repository extension (`/v2/repository/...`). @defaultValue false */
  readonly repositoryExtension?: boolean;
  /** Origins allowed by CORS (`*` for any). @defaultValue none: CORS off */
  readonly corsOrigins?: readonly string[];
  /** Serve the dashboard at `/`. @defaultValue true */
  readonly dashboard?: boolean;
  /** How long `close()` lets in-flight requests finish. @defaultValue 10,000 */
  readonly shutdownTimeoutMs?: number;
  /** @defaultValue `noopLogger` */
  readonly logger?: Logger;
}

import { ErrorCode, InferoxError, type Logger } from '@inferox/core';
import type { FastifyReply } from 'fastify';
import type { ModelService } from '../model-service';
import type { ServerLimits } from '../server-options';
import type { HttpMetrics } from './http-metrics';
import type { ModelStatistics } from './model-statistics';
import type { RequestWindow } from './request-window';

/** What every route plugin is handed: the service, the limits and the server's shared bookkeeping. */
export interface ServerContext {
  readonly service: ModelService;
  readonly limits: ServerLimits;
  readonly logger: Logger;
  readonly statistics: ModelStatistics;
  readonly window: RequestWindow;
  readonly metrics: HttpMetrics;
  readonly repositoryExtension: boolean;
  /** Whether the server is shutting down (readiness false, new inference refused). */
  closing(): boolean;
  /**
   * Runs one inference under the server's concurrency cap with a signal that fires when the client goes away.
   *
   * @throws InferoxError `QUEUE_FULL` when `maxConcurrentRequests` are running, `SHUT_DOWN` while closing.
   */
  inference<T>(reply: FastifyReply, run: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** Builds the concurrency gate and disconnect detection of {@link ServerContext.inference}. */
export function createInferenceGate(limits: ServerLimits, closing: () => boolean): ServerContext['inference'] {
  let running = 0;
  return async (reply, run) => {
    if (closing()) throw new InferoxError(ErrorCode.SHUT_DOWN, 'the server is shutting down; retry on another replica');
    if (running >= limits.maxConcurrentRequests) {
      throw new InferoxError(ErrorCode.QUEUE_FULL, `the server is running its limit of ${limits.maxConcurrentRequests} concurrent requests (maxConcurrentRequests); retry later`);
    }
    running += 1;
    const controller = new AbortController();
    const raw = reply.raw;
    const onClose = (): void => {
      if (!raw.writableFinished) controller.abort(new InferoxError(ErrorCode.CANCELLED, 'the client closed the connection'));
    };
    raw.once('close', onClose);
    try {
      return await run(controller.signal);
    } finally {
      running -= 1;
      raw.off('close', onClose);
    }
  };
}

import type { AddressInfo } from 'node:net';
import { ErrorCode, InferoxError, noopLogger } from '@inferox/core';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { ApiKeys } from './internal/api-keys';
import { HttpError, type Protocol, errorReply } from './internal/http-errors';
import { HttpMetrics } from './internal/http-metrics';
import { ModelStatistics } from './internal/model-statistics';
import { RequestWindow } from './internal/request-window';
import { type ServerContext, createInferenceGate } from './internal/server-context';
import { dashboardRoutes } from './routes/dashboard-routes';
import { metricsRoutes } from './routes/metrics-routes';
import { openaiRoutes } from './routes/openai-routes';
import { teiRoutes } from './routes/tei-routes';
import { v2Routes } from './routes/v2-routes';
import { DEFAULT_SERVER_LIMITS, type ServerLimits, type ServerOptions } from './server-options';

/** A running (or ready to run) Inferox HTTP server. */
export interface InferoxServer extends AsyncDisposable {
  /** The Fastify instance (for `inject()` in tests and extra routes before `listen`). */
  readonly app: FastifyInstance;
  /** Starts listening; resolves to the base URL (`http://127.0.0.1:8080`). @defaultValue host `127.0.0.1`, port 8080 */
  listen(options?: { host?: string; port?: number }): Promise<string>;
  /** The base URL once listening. */
  readonly url: string | undefined;
  /** Whether `close()` has started. */
  readonly closing: boolean;
  /**
   * Readiness turns false, the listener stops taking connections, in-flight requests finish (within
   * `shutdownTimeoutMs`; then their connections are cut), and the service closes. Safe to call twice.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

const PUBLIC_ROUTES = new Set(['/health', '/v2/health/live', '/v2/health/ready', '/']);

function protocolOf(url: string): Protocol {
  if (url.startsWith('/v2')) return 'v2';
  if (url.startsWith('/v1')) return 'openai';
  if (/^\/(embed|rerank|predict|tokenize|info|health|embed_all|decode)\b/.test(url)) return 'tei';
  return 'plain';
}

/**
 * Builds the server: one Fastify plugin per route group (v2, OpenAI, TEI, metrics, dashboard), each route's JSON
 * schema declared once (validation, serialization and the OpenAPI document at `/openapi.json`), errors mapped to
 * statuses in one place, API keys, limits and request metrics.
 *
 * @example
 * ```ts
 * const server = await createServer({ service: await engineModelService({ engine, models }) });
 * console.log(await server.listen({ port: 8080 }));
 * ```
 * @throws InferoxError `INVALID_INPUT` for a bad limit.
 */
export async function createServer(options: ServerOptions): Promise<InferoxServer> {
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new InferoxError(ErrorCode.INVALID_INPUT, `limits.${key} must be a positive integer, got ${String(value).slice(0, 40)}`);
  }
  const logger = options.logger ?? noopLogger;
  const keys = new ApiKeys(options.apiKeys ?? []);
  let closing = false;
  let closePromise: Promise<void> | undefined;
  let url: string | undefined;
  const metrics = new HttpMetrics();
  const context: ServerContext = {
    service: options.service,
    limits,
    logger,
    statistics: new ModelStatistics(),
    window: new RequestWindow(),
    metrics,
    repositoryExtension: options.repositoryExtension ?? false,
    closing: () => closing,
    inference: createInferenceGate(limits, () => closing),
  };

  const app = Fastify({
    bodyLimit: limits.bodyLimitBytes,
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });

  app.setErrorHandler((error, request, reply) => {
    const protocol = request.routeOptions.config?.protocol ?? protocolOf(request.url);
    const { status, body, headers } = errorReply(error, protocol);
    if (status >= 500) logger.warn('request failed', { url: request.url.slice(0, 200), status, error: (error as Error).message });
    void reply.code(status).headers(headers).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, body, headers } = errorReply(new HttpError(404, `no route ${request.method} ${request.url.slice(0, 200)}`, 'NOT_FOUND'), protocolOf(request.url));
    void reply.code(status).headers(headers).send(body);
  });

  app.addHook('onRequest', async (request) => {
    metrics.inFlight.inc();
    if (!keys.enabled || request.method === 'OPTIONS' || PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) return;
    if (!keys.accepts(request.headers.authorization)) {
      throw new HttpError(401, request.headers.authorization ? 'the API key is not valid' : 'an API key is required: send Authorization: Bearer <key>', 'UNAUTHORIZED');
    }
  });
  // While closing, every response ends its connection, so close() does not wait for clients' keep-alive timeouts.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.inFlight.dec();
    const ms = reply.elapsedTime;
    const requestBytes = Number(request.headers['content-length'] ?? 0) || 0;
    const responseBytes = Number(reply.getHeader('content-length') ?? 0) || 0;
    metrics.observe(request.routeOptions.url ?? '(unmatched)', request.method, reply.statusCode, ms / 1000, requestBytes, responseBytes);
    if (request.method === 'POST') context.window.record(ms, reply.statusCode >= 400);
  });

  if (options.corsOrigins?.length) {
    const origins = new Set(options.corsOrigins);
    app.addHook('onRequest', async (request, reply) => {
      const origin = request.headers.origin;
      if (!origin || !(origins.has('*') || origins.has(origin))) return;
      void reply.header('access-control-allow-origin', origins.has('*') ? '*' : origin).header('vary', 'Origin');
      if (request.method === 'OPTIONS') {
        void reply
          .header('access-control-allow-methods', 'GET, POST, OPTIONS')
          .header('access-control-allow-headers', 'authorization, content-type, inference-header-content-length')
          .header('access-control-expose-headers', 'inference-header-content-length, x-total-time, x-inference-time, x-queue-time, x-tokenization-time')
          .code(204)
          .send();
      }
    });
    app.options('*', { schema: { hide: true } }, async (_request, reply) => reply.code(204).send());
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Inferox server', version: '0.1.0', description: 'Open Inference Protocol v2, OpenAI-compatible embeddings and TEI-compatible routes.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(v2Routes, { context });
  await app.register(openaiRoutes, { context });
  await app.register(teiRoutes, { context });
  await app.register(metricsRoutes, { context });
  if (options.dashboard ?? true) await app.register(dashboardRoutes, { context });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();

  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  const server: InferoxServer = {
    app,
    get url() {
      return url;
    },
    get closing() {
      return closing;
    },
    async listen(listenOptions = {}) {
      await app.listen({ host: listenOptions.host ?? '127.0.0.1', port: listenOptions.port ?? 8080 });
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      url = `http://${host}:${address.port}`;
      return url;
    },
    close(closeOptions = {}) {
      closePromise ??= (async () => {
        closing = true;
        const timeoutMs = closeOptions.timeoutMs ?? shutdownTimeoutMs;
        const deadline = Date.now() + timeoutMs;
        let timer: NodeJS.Timeout | undefined;
        const cut = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            app.server.closeAllConnections();
            resolve();
          }, timeoutMs);
        });
        try {
          await Promise.race([app.close(), cut]);
        } finally {
          clearTimeout(timer);
        }
        await options.service.close({ timeoutMs: Math.max(0, deadline - Date.now()) });
      })();
      return closePromise;
    },
    [Symbol.asyncDispose]() {
      return server.close();
    },
  };
  return server;
}

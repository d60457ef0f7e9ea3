import type { FastifyPluginAsync } from 'fastify';
import { DASHBOARD_HTML } from '../internal/dashboard-page';
import type { ServerContext } from '../internal/server-context';

const point = {
  type: 'object',
  properties: { t: { type: 'integer' }, requests: { type: 'integer' }, errors: { type: 'integer' }, requestsPerSecond: { type: 'number' }, p50: { type: ['number', 'null'] }, p99: { type: ['number', 'null'] } },
} as const;
const stateSchema = {
  tags: ['dashboard'],
  summary: 'What the dashboard shows: models with replicas, queue depth, requests per second and p50/p99 latency',
  response: {
    200: {
      type: 'object',
      properties: {
        ready: { type: 'boolean' },
        models: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              version: { type: 'string' },
              state: { type: 'string' },
              task: { type: 'string' },
              backends: { type: 'array', items: { type: 'string' } },
              queued: { type: 'integer' },
              running: { type: 'integer' },
              replicas: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { backend: { type: 'string' }, device: { type: 'string' }, instances: { type: 'integer' }, queued: { type: 'integer' }, running: { type: 'integer' }, unavailable: { type: 'string' } },
                },
              },
            },
          },
        },
        queueDepth: { type: 'integer' },
        recent: { type: 'object', properties: { requestsPerSecond: { type: 'number' }, p50: { type: ['number', 'null'] }, p99: { type: ['number', 'null'] }, requests: { type: 'integer' } } },
        points: { type: 'array', items: point },
      },
    },
  },
} as const;

/** The one-page dashboard at `/` and the JSON it polls (`GET /dashboard/state`). */
export const dashboardRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  app.get('/', { schema: { hide: true }, config: { protocol: 'plain' } }, async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(DASHBOARD_HTML));
  app.get('/dashboard/state', { schema: stateSchema, config: { protocol: 'plain' } }, async () => {
    const models = (await context.service.list()).map((m) => ({
      name: m.name,
      version: m.version,
      state: m.state,
      task: m.text?.task ?? 'tensor',
      backends: [...m.backends],
      queued: m.replicas.reduce((n, r) => n + r.queued, 0),
      running: m.replicas.reduce((n, r) => n + r.running, 0),
      replicas: [...m.replicas],
    }));
    const { points, recent } = context.window.snapshot();
    return { ready: !context.closing() && context.service.ready(), models, queueDepth: models.reduce((n, m) => n + m.queued, 0), recent, points };
  });
};

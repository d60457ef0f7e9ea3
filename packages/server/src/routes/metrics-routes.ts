import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../internal/server-context';

const schema = {
  tags: ['metrics'],
  summary: 'Prometheus text exposition: the engine\'s metrics plus request duration and size by route and status',
  produces: ['text/plain'],
  response: { 200: { type: 'string' } },
} as const;

/** `GET /metrics`: the server's HTTP series followed by the service's (engine) series. */
export const metricsRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  app.get('/metrics', { schema, config: { protocol: 'plain' } }, async (_request, reply) => {
    const [own, service] = await Promise.all([context.metrics.registry.metrics(), context.service.metrics()]);
    return reply.type(context.metrics.registry.contentType).send(`${own.trimEnd()}\n${service.trimEnd()}\n`);
  });
};

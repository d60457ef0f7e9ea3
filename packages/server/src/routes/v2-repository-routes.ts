import type { FastifyPluginAsync } from 'fastify';
import { HttpError } from '../internal/http-errors';
import type { ServerContext } from '../internal/server-context';

const config = { protocol: 'v2' } as const;
const errorSchema = { type: 'object', properties: { error: { type: 'string' }, code: { type: 'string' } }, required: ['error'] } as const;
const params = { type: 'object', properties: { model: { type: 'string', maxLength: 256 } }, required: ['model'] } as const;
const indexSchema = {
  tags: ['v2 repository'],
  summary: 'Model repository extension: the models that can be loaded and their state',
  body: { anyOf: [{ type: 'object', properties: { ready: { type: 'boolean' } } }, { type: 'null' }] },
  response: {
    200: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' }, state: { type: 'string' }, reason: { type: 'string' } }, required: ['name', 'state'] },
    },
  },
} as const;
const actionSchema = (summary: string) =>
  ({ tags: ['v2 repository'], summary, params, response: { 200: { type: 'object', properties: {} }, 404: errorSchema } }) as const;

/** The v2 model repository extension (only registered when enabled). */
export const v2RepositoryRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const repository = (): NonNullable<typeof context.service.repository> => {
    if (!context.service.repository) throw new HttpError(404, 'this model service has no model repository', 'NOT_FOUND');
    return context.service.repository;
  };
  app.post<{ Body: { ready?: boolean } | null }>('/v2/repository/index', { schema: indexSchema, config }, async (request) => {
    const entries = await repository().index();
    return request.body?.ready ? entries.filter((e) => e.state === 'READY') : entries;
  });
  app.post<{ Params: { model: string } }>('/v2/repository/models/:model/load', { schema: actionSchema('Loads (or reloads) a model'), config }, async (request) => {
    await repository().load(request.params.model);
    return {};
  });
  app.post<{ Params: { model: string } }>('/v2/repository/models/:model/unload', { schema: actionSchema('Unloads a model'), config }, async (request) => {
    await repository().unload(request.params.model);
    return {};
  });
};

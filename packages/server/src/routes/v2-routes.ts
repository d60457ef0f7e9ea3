import type { FastifyPluginAsync } from 'fastify';
import { HttpError } from '../internal/http-errors';
import type { ServerContext } from '../internal/server-context';
import { modelMetadata, servedModel } from '../internal/v2-models';
import { registerV2Infer } from './v2-infer-route';
import { v2RepositoryRoutes } from './v2-repository-routes';
import { v2StatisticsRoutes } from './v2-statistics-routes';

const config = { protocol: 'v2' } as const;
const errorSchema = { type: 'object', properties: { error: { type: 'string' }, code: { type: 'string' } }, required: ['error'] } as const;
const tensorMetadata = {
  type: 'object',
  properties: { name: { type: 'string' }, datatype: { type: 'string' }, shape: { type: 'array', items: { type: 'integer' } } },
  required: ['name', 'datatype', 'shape'],
} as const;
const modelParams = {
  type: 'object',
  properties: { model: { type: 'string', maxLength: 256 }, version: { type: 'string', maxLength: 64 } },
  required: ['model'],
} as const;

const serverMetadataSchema = {
  tags: ['v2'],
  summary: 'Server metadata and the extensions it implements',
  response: {
    200: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' }, extensions: { type: 'array', items: { type: 'string' } } }, required: ['name', 'version', 'extensions'] },
  },
} as const;
const liveSchema = { tags: ['v2'], summary: 'Liveness: 200 while the process serves HTTP', response: { 200: { type: 'object', properties: { live: { type: 'boolean' } } } } } as const;
const readySchema = {
  tags: ['v2'],
  summary: 'Readiness: 200 when ready, 503 while starting or shutting down',
  response: { 200: { type: 'object', properties: { ready: { type: 'boolean' } } }, 503: { type: 'object', properties: { ready: { type: 'boolean' } } } },
} as const;
const modelMetadataSchema = {
  tags: ['v2'],
  summary: 'Model metadata: versions, platform, inputs and outputs',
  params: modelParams,
  response: {
    200: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        versions: { type: 'array', items: { type: 'string' } },
        platform: { type: 'string' },
        inputs: { type: 'array', items: tensorMetadata },
        outputs: { type: 'array', items: tensorMetadata },
        parameters: { type: 'object', additionalProperties: true },
      },
      required: ['name', 'platform', 'inputs', 'outputs'],
    },
    404: errorSchema,
  },
} as const;
const modelReadySchema = {
  tags: ['v2'],
  summary: 'Model readiness',
  params: modelParams,
  response: { 200: { type: 'object', properties: { name: { type: 'string' }, ready: { type: 'boolean' } } }, 404: errorSchema, 503: { type: 'object', properties: { name: { type: 'string' }, ready: { type: 'boolean' } } } },
} as const;

/** The extensions `GET /v2` lists: exactly the ones this server implements. */
export function v2Extensions(context: ServerContext): string[] {
  return ['binary_tensor_data', 'statistics', ...(context.repositoryExtension ? ['model_repository'] : [])];
}

/**
 * The Open Inference Protocol v2 (KServe / Triton REST): health, server and model metadata, readiness, inference
 * (JSON and the binary tensor data extension), the statistics extension and, when enabled, the model repository
 * extension.
 */
export const v2Routes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  app.get('/v2', { schema: serverMetadataSchema, config }, async () => ({ name: 'inferox', version: '0.1.0', extensions: v2Extensions(context) }));
  app.get('/v2/health/live', { schema: liveSchema, config }, async () => ({ live: true }));
  app.get('/v2/health/ready', { schema: readySchema, config }, async (_request, reply) => {
    const ready = !context.closing() && context.service.ready();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  for (const prefix of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get<{ Params: { model: string; version?: string } }>(prefix, { schema: modelMetadataSchema, config }, async (request) => modelMetadata(await servedModel(context, request.params)));
    app.get<{ Params: { model: string; version?: string } }>(`${prefix}/ready`, { schema: modelReadySchema, config }, async (request, reply) => {
      const model = await servedModel(context, request.params);
      const ready = model.ready && !context.closing();
      return reply.code(ready ? 200 : 503).send({ name: model.name, ready });
    });
  }
  await app.register(async (scope) => registerV2Infer(scope, context));
  await app.register(v2StatisticsRoutes, { context });
  if (context.repositoryExtension) await app.register(v2RepositoryRoutes, { context });
  else {
    app.all('/v2/repository/*', { schema: { hide: true }, config }, async () => {
      throw new HttpError(404, 'the model repository extension is not enabled on this server (start it with --model-repository)', 'NOT_FOUND');
    });
  }
};

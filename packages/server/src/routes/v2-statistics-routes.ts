import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../internal/server-context';
import { servedModel } from '../internal/v2-models';

const config = { protocol: 'v2' } as const;
const duration = { type: 'object', properties: { count: { type: 'integer' }, ns: { type: 'integer' } }, required: ['count', 'ns'] } as const;
const modelStat = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    last_inference: { type: 'integer' },
    inference_count: { type: 'integer' },
    execution_count: { type: 'integer' },
    inference_stats: {
      type: 'object',
      properties: { success: duration, fail: duration, queue: duration, compute_input: duration, compute_infer: duration, compute_output: duration },
      required: ['success', 'fail', 'queue', 'compute_input', 'compute_infer', 'compute_output'],
    },
    batch_stats: {
      type: 'array',
      items: { type: 'object', properties: { batch_size: { type: 'integer' }, compute_input: duration, compute_infer: duration, compute_output: duration } },
    },
  },
  required: ['name', 'version', 'last_inference', 'inference_count', 'execution_count', 'inference_stats', 'batch_stats'],
} as const;
const schema = (params: boolean) =>
  ({
    tags: ['v2'],
    summary: 'Statistics extension: counts and cumulative durations per model version',
    ...(params
      ? { params: { type: 'object', properties: { model: { type: 'string', maxLength: 256 }, version: { type: 'string', maxLength: 64 } }, required: ['model'] } }
      : {}),
    response: { 200: { type: 'object', properties: { model_stats: { type: 'array', items: modelStat } }, required: ['model_stats'] } },
  }) as const;

/** The v2 statistics extension: `GET /v2/models/stats`, `/v2/models/{m}/stats`, `/v2/models/{m}/versions/{v}/stats`. */
export const v2StatisticsRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  app.get('/v2/models/stats', { schema: schema(false), config }, async () => {
    const models = await context.service.list();
    return { model_stats: models.map((m) => context.statistics.get(m.name, m.version)) };
  });
  app.get<{ Params: { model: string; version?: string } }>('/v2/models/:model/stats', { schema: schema(true), config }, async (request) => {
    const model = await servedModel(context, request.params);
    return { model_stats: model.versions.map((v) => context.statistics.get(model.name, v)) };
  });
  app.get<{ Params: { model: string; version: string } }>('/v2/models/:model/versions/:version/stats', { schema: schema(true), config }, async (request) => {
    const model = await servedModel(context, request.params);
    return { model_stats: [context.statistics.get(model.name, model.version)] };
  });
};

import { ErrorCode, InferoxError } from '@inferox/core';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../internal/server-context';

const config = { protocol: 'openai' } as const;
const errorSchema = {
  type: 'object',
  properties: {
    error: { type: 'object', properties: { message: { type: 'string' }, type: { type: 'string' }, param: { type: ['string', 'null'] }, code: { type: ['string', 'null'] } }, required: ['message', 'type'] },
  },
  required: ['error'],
} as const;
const modelObject = {
  type: 'object',
  properties: { id: { type: 'string' }, object: { type: 'string', const: 'model' }, created: { type: 'integer' }, owned_by: { type: 'string' } },
  required: ['id', 'object', 'created', 'owned_by'],
} as const;

function embeddingsSchema(maxInputs: number, maxChars: number) {
  const tokenIds = { type: 'array', minItems: 1, maxItems: 1_000_000, items: { type: 'integer', minimum: 0 } } as const;
  return {
    tags: ['openai'],
    summary: 'OpenAI-compatible embeddings: a string, strings, token ids or lists of token ids',
    body: {
      type: 'object',
      properties: {
        input: {
          anyOf: [
            { type: 'string', maxLength: maxChars },
            { type: 'array', minItems: 1, maxItems: maxInputs, items: { type: 'string', maxLength: maxChars } },
            tokenIds,
            { type: 'array', minItems: 1, maxItems: maxInputs, items: tokenIds },
          ],
        },
        model: { type: 'string', minLength: 1, maxLength: 256 },
        encoding_format: { type: 'string', enum: ['float', 'base64'] },
        dimensions: { type: 'integer', minimum: 1 },
        user: { type: 'string' },
      },
      required: ['input', 'model'],
    },
    response: {
      200: {
        type: 'object',
        properties: {
          object: { type: 'string', const: 'list' },
          data: {
            type: 'array',
            items: {
              type: 'object',
              properties: { object: { type: 'string', const: 'embedding' }, index: { type: 'integer' }, embedding: { anyOf: [{ type: 'array', items: { type: 'number' } }, { type: 'string' }] } },
              required: ['object', 'index', 'embedding'],
            },
          },
          model: { type: 'string' },
          usage: { type: 'object', properties: { prompt_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } }, required: ['prompt_tokens', 'total_tokens'] },
        },
        required: ['object', 'data', 'model', 'usage'],
      },
      400: errorSchema,
      401: errorSchema,
      404: errorSchema,
      413: errorSchema,
      429: errorSchema,
      503: errorSchema,
      504: errorSchema,
    },
  } as const;
}

interface EmbeddingsBody {
  readonly input: string | readonly string[] | readonly number[] | readonly (readonly number[])[];
  readonly model: string;
  readonly encoding_format?: 'float' | 'base64';
  readonly dimensions?: number;
}

/** Normalises the four accepted `input` shapes to a list of texts or a list of token-id lists. */
function inputsOf(input: EmbeddingsBody['input']): readonly string[] | readonly (readonly number[])[] {
  if (typeof input === 'string') return [input];
  if (typeof input[0] === 'number') return [input as readonly number[]];
  return input as readonly string[] | readonly (readonly number[])[];
}

function base64Of(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

/** OpenAI-compatible routes: `POST /v1/embeddings`, `GET /v1/models`, `GET /v1/models/{id}`. */
export const openaiRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const created = Math.floor(Date.now() / 1000);
  app.post<{ Body: EmbeddingsBody }>('/v1/embeddings', { schema: embeddingsSchema(context.limits.maxBatchInputs, context.limits.maxInputChars), config }, async (request, reply) => {
    const body = request.body;
    const inputs = inputsOf(body.input);
    const text = await context.service.text(body.model);
    if (text.task !== 'embedding') throw new InferoxError(ErrorCode.INVALID_INPUT, `model ${JSON.stringify(body.model)} is a ${text.task} model, not an embedding model`);
    const result = await context.inference(reply, (signal) =>
      text.embed(inputs, { signal, timeoutMs: context.limits.requestTimeoutMs, ...(body.dimensions === undefined ? {} : { dimensions: body.dimensions }) }),
    );
    const base64 = body.encoding_format === 'base64';
    return {
      object: 'list',
      data: result.embeddings.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? base64Of(vector) : Array.from(vector) })),
      model: body.model,
      usage: { prompt_tokens: result.tokens, total_tokens: result.tokens },
    };
  });
  const listSchema = {
    tags: ['openai'],
    summary: 'The models this server serves',
    response: { 200: { type: 'object', properties: { object: { type: 'string', const: 'list' }, data: { type: 'array', items: modelObject } }, required: ['object', 'data'] } },
  } as const;
  app.get('/v1/models', { schema: listSchema, config }, async () => {
    const names = [...new Set((await context.service.list()).map((m) => m.name))];
    return { object: 'list', data: names.map((id) => ({ id, object: 'model', created, owned_by: 'inferox' })) };
  });
  const oneSchema = { tags: ['openai'], summary: 'One model', params: { type: 'object', properties: { id: { type: 'string', maxLength: 256 } }, required: ['id'] }, response: { 200: modelObject, 404: errorSchema } } as const;
  app.get<{ Params: { id: string } }>('/v1/models/:id', { schema: oneSchema, config }, async (request) => {
    const model = await context.service.model(request.params.id);
    return { id: model.name, object: 'model', created, owned_by: 'inferox' };
  });
};

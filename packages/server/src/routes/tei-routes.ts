import { ErrorCode, InferoxError } from '@inferox/core';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ServedTextModel, TextTask } from '../model-service';
import { HttpError } from '../internal/http-errors';
import type { ServerContext } from '../internal/server-context';

const config = { protocol: 'tei' } as const;
const errorSchema = { type: 'object', properties: { error: { type: 'string' }, error_type: { type: 'string' } }, required: ['error', 'error_type'] } as const;
const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 413: errorSchema, 429: errorSchema, 503: errorSchema, 504: errorSchema } as const;
const direction = { type: 'string', enum: ['Left', 'Right', 'left', 'right'] } as const;
const labelScore = { type: 'object', properties: { label: { type: 'string' }, score: { type: 'number' } }, required: ['label', 'score'] } as const;
const model = { type: 'string', minLength: 1, maxLength: 256, description: 'Inferox extension: which model (default: the first with the route\'s task)' } as const;
const tokenIds = { type: 'array', items: { type: 'integer', minimum: 0 } } as const;

function schemas(maxChars: number) {
  const text = { type: 'string', maxLength: maxChars } as const;
  const pair = { type: 'array', minItems: 2, maxItems: 2, items: text } as const;
  return {
    embed: {
      tags: ['tei'],
      summary: 'Embeddings (text-embeddings-inference)',
      body: {
        type: 'object',
        properties: {
          inputs: { anyOf: [text, { type: 'array', items: text }, tokenIds, { type: 'array', items: tokenIds }] },
          normalize: { type: 'boolean' },
          truncate: { type: 'boolean' },
          truncation_direction: direction,
          prompt_name: { type: 'string' },
          dimensions: { type: 'integer', minimum: 1 },
          model,
        },
        required: ['inputs'],
      },
      response: { 200: { type: 'array', items: { type: 'array', items: { type: 'number' } } }, ...errors },
    },
    predict: {
      tags: ['tei'],
      summary: 'Classification of texts or text pairs (text-embeddings-inference)',
      body: {
        type: 'object',
        properties: { inputs: { anyOf: [text, pair, { type: 'array', items: { anyOf: [text, pair] } }] }, truncate: { type: 'boolean' }, truncation_direction: direction, raw_scores: { type: 'boolean' }, model },
        required: ['inputs'],
      },
      response: { 200: { anyOf: [{ type: 'array', items: labelScore }, { type: 'array', items: { type: 'array', items: labelScore } }] }, ...errors },
    },
    rerank: {
      tags: ['tei'],
      summary: 'Cross-encoder reranking (text-embeddings-inference)',
      body: {
        type: 'object',
        properties: {
          query: text,
          texts: { type: 'array', minItems: 1, items: text },
          truncate: { type: 'boolean' },
          truncation_direction: direction,
          raw_scores: { type: 'boolean' },
          return_text: { type: 'boolean' },
          model,
        },
        required: ['query', 'texts'],
      },
      response: {
        200: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, score: { type: 'number' }, text: { type: 'string' } }, required: ['index', 'score'] } },
        ...errors,
      },
    },
    tokenize: {
      tags: ['tei'],
      summary: 'Tokenization (text-embeddings-inference)',
      body: {
        type: 'object',
        properties: { inputs: { anyOf: [text, { type: 'array', items: text }] }, add_special_tokens: { type: 'boolean' }, prompt_name: { type: 'string' }, model },
        required: ['inputs'],
      },
      response: {
        200: {
          type: 'array',
          items: {
            type: 'array',
            items: {
              type: 'object',
              properties: { id: { type: 'integer' }, text: { type: 'string' }, special: { type: 'boolean' }, start: { type: ['integer', 'null'] }, stop: { type: ['integer', 'null'] } },
              required: ['id', 'text', 'special', 'start', 'stop'],
            },
          },
        },
        ...errors,
      },
    },
  } as const;
}

type Direction = 'Left' | 'Right' | 'left' | 'right';
const lower = (d: Direction | undefined): { truncationDirection?: 'left' | 'right' } => (d ? { truncationDirection: d.toLowerCase() as 'left' | 'right' } : {});

/** The TEI timing headers, in milliseconds as TEI writes them. */
function timing(reply: FastifyReply, started: number, callStarted: number, characters: number, tokens?: number): void {
  const now = performance.now();
  const ms = (v: number): string => String(Math.max(0, Math.round(v * 1000) / 1000));
  void reply
    .header('x-compute-type', 'cpu')
    .header('x-total-time', ms(now - started))
    .header('x-queue-time', ms(callStarted - started))
    .header('x-inference-time', ms(now - callStarted))
    .header('x-compute-time', ms(now - callStarted))
    .header('x-compute-characters', String(characters));
  if (tokens !== undefined) void reply.header('x-compute-tokens', String(tokens));
}

/**
 * text-embeddings-inference routes: `POST /embed`, `/predict`, `/rerank`, `/tokenize`, `GET /info`, `/health`, with
 * TEI's limits (more inputs than `max_client_batch_size` → 413, body over the limit → 413, overload → 429) and its
 * timing headers. Each route serves the first text model with its task, or the one named by the `model` field.
 */
export const teiRoutes: FastifyPluginAsync<{ context: ServerContext }> = async (app, { context }) => {
  const { maxBatchInputs, maxInputChars } = context.limits;
  const s = schemas(maxInputChars);

  // The default model of each task, found once and checked on every use (it may have been unloaded).
  const defaults = new Map<TextTask, string>();
  const pick = async (task: TextTask, name: string | undefined): Promise<ServedTextModel> => {
    if (name !== undefined) {
      const text = await context.service.text(name);
      if (text.task !== task) throw new InferoxError(ErrorCode.INVALID_INPUT, `model ${JSON.stringify(name)} is a ${text.task} model; this route needs ${task === 'embedding' ? 'an embedding' : 'a classification'} model`);
      return text;
    }
    const cached = defaults.get(task);
    if (cached !== undefined) {
      const text = await context.service.text(cached).catch(() => undefined);
      if (text?.task === task) return text;
      defaults.delete(task);
    }
    for (const served of await context.service.list()) {
      if (served.text?.task === task) {
        defaults.set(task, served.name);
        return context.service.text(served.name);
      }
    }
    throw new InferoxError(ErrorCode.MODEL_NOT_FOUND, `no ${task} model is served; load one to use this route`);
  };
  const checkBatch = (count: number): void => {
    if (count > maxBatchInputs) throw new HttpError(413, `batch size ${count} > maximum allowed batch size ${maxBatchInputs}`, 'PAYLOAD_TOO_LARGE');
    if (count === 0) throw new InferoxError(ErrorCode.INVALID_INPUT, '`inputs` cannot be empty');
  };
  const chars = (texts: readonly unknown[]): number => texts.reduce<number>((n, t) => n + (typeof t === 'string' ? t.length : Array.isArray(t) ? t.join('').length : 0), 0);

  app.post<{ Body: { inputs: string | string[] | number[] | number[][]; normalize?: boolean; truncate?: boolean; truncation_direction?: Direction; prompt_name?: string; dimensions?: number; model?: string } }>(
    '/embed',
    { schema: s.embed, config },
    async (request, reply) => {
      const started = performance.now();
      const { body } = request;
      const inputs = typeof body.inputs === 'string' ? [body.inputs] : typeof body.inputs[0] === 'number' ? [body.inputs as number[]] : (body.inputs as string[] | number[][]);
      checkBatch(inputs.length);
      const text = await pick('embedding', body.model);
      const callStarted = performance.now();
      const result = await context.inference(reply, (signal) =>
        text.embed(inputs, {
          signal,
          timeoutMs: context.limits.requestTimeoutMs,
          normalize: body.normalize ?? true,
          truncate: body.truncate ?? false,
          ...lower(body.truncation_direction),
          ...(body.prompt_name === undefined ? {} : { promptName: body.prompt_name }),
          ...(body.dimensions === undefined ? {} : { dimensions: body.dimensions }),
        }),
      );
      timing(reply, started, callStarted, chars(inputs), result.tokens);
      return result.embeddings.map((v) => Array.from(v));
    },
  );

  app.post<{ Body: { inputs: string | string[] | (string | [string, string])[]; truncate?: boolean; truncation_direction?: Direction; raw_scores?: boolean; model?: string } }>(
    '/predict',
    { schema: s.predict, config },
    async (request, reply) => {
      const started = performance.now();
      const { body } = request;
      // TEI's reading: a string or a two-string list is one input; any other list is a batch.
      const single = typeof body.inputs === 'string' || (body.inputs.length === 2 && body.inputs.every((x) => typeof x === 'string'));
      const inputs = (typeof body.inputs === 'string' ? [body.inputs] : single ? [body.inputs as [string, string]] : body.inputs) as (string | [string, string])[];
      checkBatch(inputs.length);
      const text = await pick('classification', body.model);
      const callStarted = performance.now();
      const results = await context.inference(reply, (signal) =>
        text.classify(inputs, { signal, timeoutMs: context.limits.requestTimeoutMs, truncate: body.truncate ?? false, rawScores: body.raw_scores ?? false, ...lower(body.truncation_direction) }),
      );
      timing(reply, started, callStarted, chars(inputs));
      return single ? results[0] : results;
    },
  );

  app.post<{ Body: { query: string; texts: string[]; truncate?: boolean; truncation_direction?: Direction; raw_scores?: boolean; return_text?: boolean; model?: string } }>(
    '/rerank',
    { schema: s.rerank, config },
    async (request, reply) => {
      const started = performance.now();
      const { body } = request;
      checkBatch(body.texts.length);
      const text = await pick('classification', body.model);
      const callStarted = performance.now();
      const results = await context.inference(reply, (signal) =>
        text.rerank(body.query, body.texts, {
          signal,
          timeoutMs: context.limits.requestTimeoutMs,
          truncate: body.truncate ?? false,
          rawScores: body.raw_scores ?? false,
          returnText: body.return_text ?? false,
          ...lower(body.truncation_direction),
        }),
      );
      timing(reply, started, callStarted, body.query.length * body.texts.length + chars(body.texts));
      return results;
    },
  );

  app.post<{ Body: { inputs: string | string[]; add_special_tokens?: boolean; prompt_name?: string; model?: string } }>('/tokenize', { schema: s.tokenize, config }, async (request) => {
    const { body } = request;
    const inputs = typeof body.inputs === 'string' ? [body.inputs] : body.inputs;
    checkBatch(inputs.length);
    const served = await context.service.list();
    const name = body.model ?? served.find((m) => m.text)?.name;
    if (name === undefined) throw new InferoxError(ErrorCode.MODEL_NOT_FOUND, 'no text model is served; load one to use /tokenize');
    const text = await context.service.text(name);
    return text.tokenize(inputs, { addSpecialTokens: body.add_special_tokens ?? true, ...(body.prompt_name === undefined ? {} : { promptName: body.prompt_name }) });
  });

  const infoSchema = {
    tags: ['tei'],
    summary: 'What the server serves (text-embeddings-inference /info)',
    querystring: { type: 'object', properties: { model: { type: 'string', maxLength: 256 } } },
    response: {
      200: {
        type: 'object',
        properties: {
          model_id: { type: 'string' },
          model_sha: { type: ['string', 'null'] },
          model_dtype: { type: 'string' },
          model_type: { type: 'object', additionalProperties: true },
          max_concurrent_requests: { type: 'integer' },
          max_input_length: { type: 'integer' },
          max_batch_tokens: { type: 'integer' },
          max_batch_requests: { type: ['integer', 'null'] },
          max_client_batch_size: { type: 'integer' },
          auto_truncate: { type: 'boolean' },
          tokenization_workers: { type: 'integer' },
          version: { type: 'string' },
        },
        required: ['model_id', 'model_type', 'max_input_length', 'max_client_batch_size', 'version'],
      },
      404: errorSchema,
    },
  } as const;
  app.get<{ Querystring: { model?: string } }>('/info', { schema: infoSchema, config }, async (request) => {
    const served = await context.service.list();
    const target = request.query.model ? await context.service.model(request.query.model) : (served.find((m) => m.text?.task === 'embedding') ?? served.find((m) => m.text));
    if (!target?.text) throw new InferoxError(ErrorCode.MODEL_NOT_FOUND, 'no text model is served');
    const { task, info } = target.text;
    const id2label = Object.fromEntries((info.labels ?? []).map((label, i) => [String(i), label]));
    return {
      model_id: target.name,
      model_sha: null,
      model_dtype: 'float32',
      model_type: task === 'embedding' ? { embedding: { pooling: info.pooling ?? 'mean' } } : info.labels?.length === 1 ? { reranker: { id2label } } : { classifier: { id2label } },
      max_concurrent_requests: context.limits.maxConcurrentRequests,
      max_input_length: info.maxSequenceLength,
      max_batch_tokens: info.maxSequenceLength * maxBatchInputs,
      max_batch_requests: null,
      max_client_batch_size: maxBatchInputs,
      auto_truncate: false,
      tokenization_workers: 1,
      version: '0.1.0',
    };
  });

  const healthSchema = { tags: ['tei'], summary: 'Health: 200 when ready, 503 otherwise', response: { 200: { type: 'null' }, 503: errorSchema } } as const;
  app.get('/health', { schema: healthSchema, config }, async (_request, reply) => {
    if (context.closing() || !context.service.ready()) return reply.code(503).send({ error: 'the server is not ready', error_type: 'Unhealthy' });
    return reply.code(200).send();
  });
};

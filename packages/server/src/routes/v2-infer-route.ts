import {
  ErrorCode,
  InferoxError,
  Tensor,
  type TensorMap,
  V2_HEADER_CONTENT_LENGTH,
  type V2EncodedBody,
  type V2Limits,
  type V2ParsedRequest,
  encodeInferResponse,
  parseInferRequest,
} from '@inferox/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServedModel, ServedTextModel } from '../model-service';
import type { ServerContext } from '../internal/server-context';
import { servedModel } from '../internal/v2-models';

const config = { protocol: 'v2' } as const;
const errorSchema = { type: 'object', properties: { error: { type: 'string' }, code: { type: 'string' } }, required: ['error'] } as const;
const parameters = { type: 'object', additionalProperties: true } as const;
const wireTensor = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    datatype: { type: 'string' },
    shape: { type: 'array', items: { type: 'integer' } },
    // Flat or nested; the codec checks it against shape and datatype (without walking it twice here).
    data: { type: 'array' },
    parameters,
  },
  required: ['name', 'datatype', 'shape'],
} as const;

function inferSchema(limits: V2Limits) {
  return {
    tags: ['v2'],
    summary: 'Inference: JSON tensors, or a JSON header plus binary tensor data (Inference-Header-Content-Length)',
    params: { type: 'object', properties: { model: { type: 'string', maxLength: 256 }, version: { type: 'string', maxLength: 64 } }, required: ['model'] },
    body: {
      type: 'object',
      properties: {
        id: { type: 'string', maxLength: limits.maxNameLength },
        inputs: { type: 'array', minItems: 1, maxItems: limits.maxInputs, items: wireTensor },
        outputs: { type: 'array', maxItems: limits.maxOutputs, items: { type: 'object', properties: { name: { type: 'string' }, parameters }, required: ['name'] } },
        parameters,
      },
      required: ['inputs'],
    },
    response: {
      200: {
        description: 'JSON, or (application/octet-stream) a JSON header of Inference-Header-Content-Length bytes followed by binary output data',
        type: 'object',
        properties: { model_name: { type: 'string' }, model_version: { type: 'string' }, id: { type: 'string' }, outputs: { type: 'array', items: wireTensor }, parameters },
        required: ['model_name', 'outputs'],
      },
      400: errorSchema,
      404: errorSchema,
      413: errorSchema,
      429: errorSchema,
      503: errorSchema,
      504: errorSchema,
    },
  } as const;
}

/** The bytes after a binary request's JSON header, keyed by the parsed header object. */
const binaryParts = new WeakMap<object, Uint8Array>();

function headerLengthOf(request: FastifyRequest): number | undefined {
  const raw = request.headers[V2_HEADER_CONTENT_LENGTH];
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw[0] : raw;
  const value = Number(text);
  if (!/^\d+$/.test(text ?? '') || !Number.isSafeInteger(value)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `Inference-Header-Content-Length must be a non-negative integer, got ${JSON.stringify(String(text).slice(0, 32))}`);
  }
  return value;
}

function parseJsonPart(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (error) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${what} is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
}

function* textsOf(feeds: TensorMap): Generator<string[]> {
  for (const tensor of Object.values(feeds)) if (tensor.dtype === 'string') yield tensor.data as string[];
}

async function inferText(text: ServedTextModel, model: ServedModel, texts: string[], signal: AbortSignal, timeoutMs: number): Promise<Record<string, Tensor>> {
  if (text.task === 'embedding') {
    const { embeddings } = await text.embed(texts, { signal, timeoutMs });
    const width = embeddings[0]?.length ?? 0;
    const data = new Float32Array(embeddings.length * width);
    embeddings.forEach((e, i) => data.set(e, i * width));
    return { embedding: Tensor.from('float32', data, [embeddings.length, width]) };
  }
  const labels = model.text?.info.labels ?? [];
  const results = await text.classify(texts, { signal, timeoutMs });
  const scores = new Float32Array(results.length * labels.length);
  results.forEach((row, i) => {
    for (const { label, score } of row) {
      const at = labels.indexOf(label);
      if (at >= 0) scores[i * labels.length + at] = score;
    }
  });
  return {
    scores: Tensor.from('float32', scores, [results.length, labels.length]),
    label: Tensor.from('string', results.map((row) => row[0]?.label ?? ''), [results.length]),
  };
}

async function send(reply: FastifyReply, body: V2EncodedBody): Promise<FastifyReply> {
  const chunks = [...body.chunks()];
  if (body.contentType === 'application/json') return reply.type('application/json').send(chunks.length === 1 ? chunks[0] : chunks.join(''));
  const buffers = chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  return reply.type('application/octet-stream').header(V2_HEADER_CONTENT_LENGTH, String(body.headerLength)).send(Buffer.concat(buffers));
}

/**
 * `POST /v2/models/{m}[/versions/{v}]/infer`: JSON or binary tensors in and out (through `@inferox/core`'s v2 codec,
 * whose limits are checked before anything is allocated). A text model also takes a `BYTES` input (its texts) and
 * answers with its task's outputs (`embedding`, or `scores` and `label`).
 */
export function registerV2Infer(app: FastifyInstance, context: ServerContext): void {
  const limits: V2Limits = {
    maxRequestBytes: context.limits.bodyLimitBytes,
    maxInputs: context.limits.maxInputs,
    maxOutputs: context.limits.maxInputs,
    maxElements: context.limits.maxElements,
    maxDepth: 16,
    maxNameLength: 256,
    maxStringLength: context.limits.maxInputChars,
    maxOutputBytes: 256 * 1024 * 1024,
  };
  const parseBody = (request: FastifyRequest, body: Buffer): unknown => {
    const headerLength = headerLengthOf(request);
    if (headerLength === undefined) return parseJsonPart(body, 'the request body');
    if (headerLength > body.length) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `Inference-Header-Content-Length ${headerLength} is past the end of the ${body.length}-byte body`);
    }
    const header = parseJsonPart(body.subarray(0, headerLength), 'the JSON header of the request');
    // A plain Uint8Array view, not a Buffer: the codec copies with `.slice()`, which on a Buffer is a view (reported).
    if (typeof header === 'object' && header !== null) binaryParts.set(header, new Uint8Array(body.buffer, body.byteOffset + headerLength, body.length - headerLength));
    return header;
  };
  // Every content type is read as bytes: JSON (with or without a binary part), and clients such as `curl -d` that send
  // a form content type with a JSON body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, parseBody(request, body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  const schema = inferSchema(limits);
  for (const route of ['/v2/models/:model/infer', '/v2/models/:model/versions/:version/infer']) {
    app.post<{ Params: { model: string; version?: string } }>(route, { schema, config }, async (request, reply) => {
      const started = performance.now();
      const model = await servedModel(context, request.params);
      let parsed: V2ParsedRequest | undefined;
      let outputs: Record<string, Tensor> = {};
      try {
        parsed = parseInferRequest(request.body, { limits, source: 'request', binary: binaryParts.get(request.body as object) ?? new Uint8Array(0) });
        const feeds = parsed.feeds;
        const texts = model.text ? [...textsOf(feeds)][0] : undefined;
        const result = await context.inference(reply, async (signal) => {
          if (texts) return { outputs: await inferText(await context.service.text(model.name), model, texts, signal, context.limits.requestTimeoutMs), version: model.version, timings: undefined, batchSize: texts.length };
          return context.service.infer(model.name, feeds, {
            version: model.version,
            ...(parsed!.outputs.length ? { outputs: parsed!.outputs.map((o) => o.name) } : {}),
            signal,
            timeoutMs: context.limits.requestTimeoutMs,
          });
        });
        outputs = result.outputs;
        const wanted = parsed.outputs.length ? parsed.outputs.map((o) => o.name) : Object.keys(outputs);
        const ordered = wanted.map((name): [string, Tensor] => {
          const tensor = outputs[name];
          if (!tensor) throw new InferoxError(ErrorCode.INVALID_INPUT, `model ${JSON.stringify(model.name)} has no output ${JSON.stringify(name.slice(0, 64))}; it has ${Object.keys(outputs).join(', ')}`);
          return [name, tensor];
        });
        const binaryOutputs = parsed.binaryDataOutput ? true : parsed.outputs.filter((o) => o.binary).map((o) => o.name);
        const body = encodeInferResponse(
          { modelName: model.name, modelVersion: result.version, ...(parsed.id === undefined ? {} : { id: parsed.id }), outputs: ordered, binaryOutputs },
          { limits },
        );
        context.statistics.success(model.name, result.version, performance.now() - started, result.timings, result.batchSize ?? 1);
        return await send(reply, body);
      } catch (error) {
        context.statistics.failure(model.name, model.version, performance.now() - started);
        throw error;
      } finally {
        for (const tensor of Object.values(parsed?.feeds ?? {})) tensor.dispose();
        for (const tensor of Object.values(outputs)) tensor.dispose();
      }
    });
  }
}

import { join } from 'node:path';
import { createEngine } from '@inferox/engine';
import { type TextModel, loadTextModel } from '@inferox/text';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startTestServer, testBackends } from './test-server.fixture';

const texts = ['a tiny model', 'the quick brown fox jumps over the lazy dog', 'query: embeddings'];
let ctx: Awaited<ReturnType<typeof startTestServer>>;
let reference: { engine: ReturnType<typeof createEngine>; st: TextModel; cls: TextModel };

beforeAll(async () => {
  ctx = await startTestServer([
    { name: 'st', source: join(FIXTURES, 'tiny-bert-st'), backends: ['onnx'] },
    { name: 'cls', source: join(FIXTURES, 'tiny-bert-cls'), backends: ['onnx'] },
  ]);
  const engine = createEngine({ backends: testBackends() });
  reference = { engine, st: await loadTextModel(engine, join(FIXTURES, 'tiny-bert-st'), { name: 'st', backends: ['onnx'] }), cls: await loadTextModel(engine, join(FIXTURES, 'tiny-bert-cls'), { name: 'cls', backends: ['onnx'] }) };
});
afterAll(async () => {
  await ctx?.server.close();
  await reference?.engine.close();
});

const post = async (path: string, body: unknown) => {
  const res = await fetch(ctx.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('OpenAI routes', () => {
  it.each(['float', 'base64'] as const)('equals embed() within 1e-6 through the openai SDK when encoding_format is %s', async (format) => {
    const client = new OpenAI({ baseURL: `${ctx.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const response = await client.embeddings.create({ model: 'st', input: texts, encoding_format: format });
    const expected = await reference.st.embed(texts);
    expect(response.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(response.usage.prompt_tokens).toBe(expected.tokens);
    response.data.forEach((d, i) => {
      const vector = typeof d.embedding === 'string' ? new Float32Array(Uint8Array.from(Buffer.from(d.embedding, 'base64')).buffer) : d.embedding;
      expect(maxDiff(vector as ArrayLike<number>, expected.embeddings[i]!)).toBeLessThanOrEqual(1e-6);
    });
  });

  it('embeds token ids and lists of token ids, and honours dimensions', async () => {
    const ids = [101, 7592, 2088, 102];
    const single = (await post('/v1/embeddings', { model: 'st', input: ids, encoding_format: 'float', dimensions: 16 })).body as { data: { embedding: number[] }[]; usage: { total_tokens: number } };
    const expected = await reference.st.embed([ids], { dimensions: 16 });
    expect(single.data).toHaveLength(1);
    expect(maxDiff(single.data[0]!.embedding, expected.embeddings[0]!)).toBeLessThanOrEqual(1e-6);
    expect(single.usage.total_tokens).toBe(expected.tokens);
    const many = (await post('/v1/embeddings', { model: 'st', input: [ids, ids.slice(0, 3)] })).body as { data: unknown[] };
    expect(many.data).toHaveLength(2);
  });

  it('lists the served models', async () => {
    const client = new OpenAI({ baseURL: `${ctx.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids.sort()).toEqual(['cls', 'st']);
  });

  it('answers an unknown model with 404 in the OpenAI error shape', async () => {
    const client = new OpenAI({ baseURL: `${ctx.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const error = await client.embeddings.create({ model: 'nope', input: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('refuses a classification model, a bad encoding_format and too many inputs with 400', async () => {
    const cls = await post('/v1/embeddings', { model: 'cls', input: 'x' });
    expect(cls.status).toBe(400);
    expect((cls.body as { error: { type: string; message: string } }).error.message).toContain('classification');
    expect((await post('/v1/embeddings', { model: 'st', input: 'x', encoding_format: 'int8' })).status).toBe(400);
    const many = await post('/v1/embeddings', { model: 'st', input: Array.from({ length: 300 }, () => 'x') });
    expect(many.status).toBe(400);
    expect((many.body as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});

describe('TEI routes', () => {
  it('embeds like embed() and sends the timing headers', async () => {
    const res = await post('/embed', { inputs: texts });
    expect(res.status).toBe(200);
    const expected = await reference.st.embed(texts, { normalize: true });
    (res.body as number[][]).forEach((v, i) => expect(maxDiff(v, expected.embeddings[i]!)).toBeLessThanOrEqual(1e-6));
    for (const header of ['x-total-time', 'x-inference-time', 'x-queue-time', 'x-compute-tokens']) expect(Number(res.headers.get(header))).toBeGreaterThanOrEqual(0);
    expect(res.headers.get('x-compute-tokens')).toBe(String(expected.tokens));
  });

  it('predicts like classify() for one text, a pair and a batch', async () => {
    const one = await post('/predict', { inputs: 'good movie' });
    expect(one.body).toEqual((await reference.cls.classify(['good movie']))[0]);
    const pair = await post('/predict', { inputs: ['good', 'movie'] });
    expect(pair.body).toEqual((await reference.cls.classify([['good', 'movie']]))[0]);
    const batch = await post('/predict', { inputs: ['good movie', 'bad movie', 'meh'] });
    expect(batch.body).toEqual(await reference.cls.classify(['good movie', 'bad movie', 'meh']));
  });

  it('reranks like rerank() with the text when asked', async () => {
    const res = await post('/rerank', { query: 'fox', texts: ['a fox', 'a dog', 'the sea'], return_text: true });
    expect(res.body).toEqual(await reference.cls.rerank('fox', ['a fox', 'a dog', 'the sea'], { returnText: true }));
  });

  it('tokenizes like tokenize()', async () => {
    const res = await post('/tokenize', { inputs: 'hello world' });
    expect(res.body).toEqual(await reference.st.tokenize(['hello world']));
  });

  it('describes the embedding model on /info and is healthy', async () => {
    const info = (await (await fetch(`${ctx.url}/info`)).json()) as { model_id: string; model_type: unknown; max_client_batch_size: number };
    expect(info.model_id).toBe('st');
    expect(info.model_type).toEqual({ embedding: { pooling: 'mean' } });
    expect(info.max_client_batch_size).toBe(256);
    expect((await fetch(`${ctx.url}/health`)).status).toBe(200);
    const cls = (await (await fetch(`${ctx.url}/info?model=cls`)).json()) as { model_type: unknown };
    expect(cls.model_type).toEqual({ classifier: { id2label: { 0: 'negative', 1: 'neutral', 2: 'positive' } } });
  });

  it('answers more inputs than max_client_batch_size with 413 and TEI\'s error shape', async () => {
    const res = await post('/embed', { inputs: Array.from({ length: 257 }, () => 'x') });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'batch size 257 > maximum allowed batch size 256', error_type: 'Validation' });
  });

  it.each([
    ['/embed', '{"inputs": [', 400],
    ['/embed', { inputs: 5 }, 400],
    ['/rerank', { query: 'x' }, 400],
    ['/predict', { inputs: [[1, 2]] }, 400],
    ['/tokenize', { inputs: 'x', add_special_tokens: 'yes' }, 400],
    ['/embed', { inputs: 'x'.repeat(100_001) }, 400],
    ['/embed', { inputs: 'x', model: 'nope' }, 404],
    ['/embed', { inputs: Array.from({ length: 200 }, () => 'x'.repeat(20_000)) }, 413],
  ])('answers a bad %s request with %j → %i in TEI\'s shape and keeps serving', async (path, body, status) => {
    const res = await fetch(ctx.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: string; error_type: string };
    expect(typeof json.error).toBe('string');
    expect(typeof json.error_type).toBe('string');
    expect((await post('/embed', { inputs: 'still serving' })).status).toBe(200);
  });

  it('answers bad JSON and an oversize body on /v1/embeddings in the OpenAI shape', async () => {
    const bad = await fetch(`${ctx.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const big = await post('/v1/embeddings', { model: 'st', input: Array.from({ length: 200 }, () => 'x'.repeat(20_000)) });
    expect(big.status).toBe(413);
    expect((big.body as { error: { message: string } }).error.message.length).toBeGreaterThan(0);
  });

  it('answers /predict on an embedding model named by model with 400', async () => {
    const res = await post('/predict', { inputs: 'x', model: 'st' });
    expect(res.status).toBe(400);
    expect((res.body as { error_type: string }).error_type).toBe('Validation');
  });

  it('answers a v2 BYTES request on a text model with its task outputs', async () => {
    const res = await post('/v2/models/st/infer', { inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], data: texts.slice(0, 2) }] });
    expect(res.status).toBe(200);
    const out = (res.body as { outputs: { name: string; shape: number[]; data: number[] }[] }).outputs[0]!;
    const expected = await reference.st.embed(texts.slice(0, 2));
    expect(out.name).toBe('embedding');
    expect(out.shape).toEqual([2, expected.embeddings[0]!.length]);
    expect(maxDiff(out.data, [...expected.embeddings[0]!, ...expected.embeddings[1]!])).toBeLessThanOrEqual(1e-6);
    const cls = await post('/v2/models/cls/infer', { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['good movie'] }] });
    const outputs = (cls.body as { outputs: { name: string; data: unknown[] }[] }).outputs;
    expect(outputs.find((o) => o.name === 'label')!.data).toEqual([(await reference.cls.classify(['good movie']))[0]![0]!.label]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startTestServer } from './test-server.fixture';

const reference = JSON.parse(readFileSync(join(FIXTURES, 'tiny-bert-hf/reference.json'), 'utf8')) as { inputs: Record<string, number[][]> };
const names = ['input_ids', 'attention_mask', 'token_type_ids'];
const valid = { inputs: names.map((name) => ({ name, datatype: 'INT64', shape: [3, 12], data: reference.inputs[name]!.flat() })) };
const KEY = 'test-key-0123456789';

let ctx: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  ctx = await startTestServer([{ name: 'bert', source: join(FIXTURES, 'tiny-bert-hf/model.onnx'), task: 'tensor', backends: ['onnx'] }], {
    apiKeys: [KEY, 'second-key-abcdefgh'],
    limits: { bodyLimitBytes: 64 * 1024, maxElements: 10_000 },
    repositoryExtension: true,
  });
});
afterAll(async () => ctx?.server.close());

const auth = { authorization: `Bearer ${KEY}` };
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(ctx.url + path, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}
/** The server still answers a valid request after a bad one. */
async function stillServing(): Promise<void> {
  expect((await call('POST', '/v2/models/bert/infer', valid)).status).toBe(200);
}
const infer = (body: unknown, headers?: Record<string, string>) => call('POST', '/v2/models/bert/infer', body, headers);

describe('v2 routes with bad requests', () => {
  it.each([
    ['bad JSON', '{"inputs": [', 400, 'JSON'],
    ['no inputs', { id: 'x' }, 400, 'inputs'],
    ['a wrong datatype', { inputs: [{ ...valid.inputs[0], datatype: 'FP99' }] }, 400, 'FP99'],
    ['data of the wrong type', { inputs: [{ name: 'input_ids', datatype: 'INT64', shape: [1, 2], data: ['a', 'b'] }] }, 400, 'input_ids'],
    ['shape and data that disagree', { inputs: [{ name: 'input_ids', datatype: 'INT64', shape: [2, 12], data: [1, 2, 3] }] }, 400, 'input_ids'],
    ['a shape over the element cap', { inputs: [{ name: 'input_ids', datatype: 'INT64', shape: [1_000_000_000], data: [1] }] }, 400, 'maxElements'],
    ['an input the model lacks', { inputs: [...valid.inputs, { name: 'extra', datatype: 'INT64', shape: [1], data: [1] }] }, 400, 'extra'],
    ['an output the model lacks', { ...valid, outputs: [{ name: 'nope' }] }, 400, 'nope'],
  ])('answers %s with the documented status and {error} and keeps serving', async (_what, body, status, fact) => {
    const res = await infer(body);
    expect(res.status).toBe(status);
    expect(typeof res.body.error).toBe('string');
    expect(res.body.error as string).toContain(fact);
    expect(res.text).not.toMatch(/\n\s+at |\/work\/|node_modules/);
    await stillServing();
  });

  it('answers an unknown model and an unknown version with 404', async () => {
    for (const path of ['/v2/models/nope/infer', '/v2/models/bert/versions/7/infer', '/v2/models/bert/versions/x/infer']) {
      const res = await call('POST', path, valid);
      expect(res.status).toBe(404);
      expect(typeof res.body.error).toBe('string');
    }
    expect((await call('GET', '/v2/models/nope')).status).toBe(404);
    expect((await call('GET', '/v2/models/bert/versions/2/ready')).status).toBe(404);
    await stillServing();
  });

  it('answers an oversize body with 413', async () => {
    const res = await infer({ inputs: [{ name: 'input_ids', datatype: 'INT64', shape: [40_000], data: Array.from({ length: 40_000 }, () => 1) }] });
    expect(res.status).toBe(413);
    expect(typeof res.body.error).toBe('string');
    await stillServing();
  });

  it('answers a binary body whose header length is past its end with 400', async () => {
    const res = await call('POST', '/v2/models/bert/infer', '{"inputs":[]}', { 'content-type': 'application/octet-stream', 'inference-header-content-length': '999' });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('Inference-Header-Content-Length');
  });

  it('needs a valid key on every route but health, compared as a bearer token', async () => {
    const missing = await call('GET', '/v2/models/bert', undefined, { authorization: '' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await call('POST', '/v2/models/bert/infer', valid, { authorization: 'Bearer wrong-key-0123456789' })).status).toBe(401);
    expect((await call('GET', '/metrics', undefined, { authorization: `Basic ${KEY}` })).status).toBe(401);
    const openai = await call('GET', '/v1/models', undefined, { authorization: '' });
    expect(openai.status).toBe(401);
    expect((openai.body.error as { type: string }).type).toBe('authentication_error');
    expect((await call('GET', '/v2/models/bert', undefined, { authorization: 'Bearer second-key-abcdefgh' })).status).toBe(200);
    for (const path of ['/v2/health/live', '/v2/health/ready', '/health']) expect((await fetch(ctx.url + path)).status).toBe(200);
  });

  it('refuses every documented route but health without a key, in its protocol\'s shape', async () => {
    const doc = (await call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const open = new Set(['/v2/health/live', '/v2/health/ready', '/health']);
    let checked = 0;
    for (const [template, methods] of Object.entries(doc.paths)) {
      const path = template.replace('{model}', 'bert').replace('{version}', '1').replace('{id}', 'bert');
      for (const method of Object.keys(methods)) {
        const res = await fetch(ctx.url + path, { method: method.toUpperCase(), ...(method === 'post' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}) });
        if (open.has(template)) {
          expect(res.status, template).toBe(200);
          continue;
        }
        expect(res.status, `${method} ${template}`).toBe(401);
        const body = (await res.json()) as { error: unknown; error_type?: string };
        if (template.startsWith('/v1/')) expect(body.error).toMatchObject({ type: 'authentication_error' });
        else expect(typeof body.error).toBe('string');
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('describes the model with v2 datatypes and -1 for dynamic dims', async () => {
    const res = await call('GET', '/v2/models/bert');
    expect(res.body.name).toBe('bert');
    expect(res.body.versions).toEqual(['1']);
    expect((res.body.inputs as unknown[])[0]).toEqual({ name: 'input_ids', datatype: 'INT64', shape: [-1, -1] });
    expect((await call('GET', '/v2/models/bert/versions/1/ready')).body).toEqual({ name: 'bert', ready: true });
  });

  it('counts successes and failures in the statistics extension', async () => {
    const before = (await call('GET', '/v2/models/bert/stats')).body.model_stats as { inference_stats: { success: { count: number }; fail: { count: number } } }[];
    await infer(valid);
    await infer({ inputs: [{ name: 'input_ids', datatype: 'INT64', shape: [2], data: [1] }] });
    const after = (await call('GET', '/v2/models/bert/versions/1/stats')).body.model_stats as typeof before;
    expect(after[0]!.inference_stats.success.count).toBe(before[0]!.inference_stats.success.count + 1);
    expect(after[0]!.inference_stats.fail.count).toBe(before[0]!.inference_stats.fail.count + 1);
    const all = (await call('GET', '/v2/models/stats')).body.model_stats as { name: string }[];
    expect(all.map((s) => s.name)).toEqual(['bert']);
  });

  it('lists the model repository extension when enabled and loads and unloads through it', async () => {
    expect(((await call('GET', '/v2')).body.extensions as string[]).includes('model_repository')).toBe(true);
    expect((await call('POST', '/v2/repository/index', {})).body).toEqual([{ name: 'bert', state: 'READY' }]);
    expect((await call('POST', '/v2/repository/models/bert/unload')).status).toBe(200);
    expect((await call('POST', '/v2/models/bert/infer', valid)).status).toBe(404);
    expect((await call('POST', '/v2/repository/models/nope/load')).status).toBe(404);
    expect((await call('POST', '/v2/repository/models/bert/load')).status).toBe(200);
    await stillServing();
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const doc = (await call('GET', '/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v2/models/{model}/infer', '/v1/embeddings', '/embed', '/rerank', '/metrics', '/v2/models/stats']));
    expect(doc.paths['/v1/embeddings']!.post!.requestBody).toMatchObject({ content: { 'application/json': { schema: { required: ['input', 'model'] } } } });
  });

  it('answers unknown routes with 404 in the route group\'s shape and sends no CORS headers', async () => {
    const res = await call('GET', '/v2/nothing', undefined, { origin: 'http://example.com' });
    expect(res.status).toBe(404);
    expect(typeof res.body.error).toBe('string');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

import { join } from 'node:path';
import { createEngine } from '@inferox/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineModelService } from './engine-model-service';
import { FIXTURES, startTestServer, testBackends } from './test-server.fixture';

let ctx: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  ctx = await startTestServer([{ name: 'bert', source: join(FIXTURES, 'tiny-bert-hf/model.onnx'), backends: ['onnx'] }], { corsOrigins: ['http://app.example'] });
});
afterAll(async () => ctx?.server.close());

const json = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(ctx.url + path, init);
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
};
const postJson = (path: string, body: unknown) => json(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('createServer with CORS and without text models', () => {
  it('answers CORS preflights and requests from an allowed origin only', async () => {
    const preflight = await fetch(`${ctx.url}/v2/models/bert/infer`, { method: 'OPTIONS', headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await json('/v2', { headers: { origin: 'http://app.example' } })).headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect((await json('/v2', { headers: { origin: 'http://evil.example' } })).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the repository routes with 404 when the extension is off and lists no such extension', async () => {
    const res = await postJson('/v2/repository/index', {});
    expect(res.status).toBe(404);
    expect(res.body.error).toContain('not enabled');
    expect((await json('/v2')).body.extensions).toEqual(['binary_tensor_data', 'statistics']);
  });

  it('names a tensor model where a text model is needed and 404s text routes without one', async () => {
    const embeddings = await postJson('/v1/embeddings', { model: 'bert', input: 'x' });
    expect(embeddings.status).toBe(400);
    expect((embeddings.body.error as { message: string }).message).toContain('not a text model');
    expect((await postJson('/embed', { inputs: 'x' })).status).toBe(404);
    expect((await postJson('/rerank', { query: 'x', texts: ['y'] })).status).toBe(404);
    expect((await postJson('/tokenize', { inputs: 'x' })).status).toBe(404);
    expect((await json('/info')).status).toBe(404);
    expect((await postJson('/embed', { inputs: [] })).status).toBe(400);
  });

  it('answers OpenAI model lookups and bad versions', async () => {
    expect((await json('/v1/models/bert')).body).toMatchObject({ id: 'bert', object: 'model', owned_by: 'inferox' });
    expect((await json('/v1/models/nope')).status).toBe(404);
    expect((await json('/v2/models/bert/versions/abc')).status).toBe(404);
    expect((await json('/v2/models/bert@1')).status).toBe(404);
  });
});

describe('engineModelService', () => {
  it('fails naming the model when a source cannot be loaded, and closes the engine', async () => {
    const engine = createEngine({ backends: testBackends() });
    await expect(engineModelService({ engine, models: [{ name: 'gone', source: join(FIXTURES, 'no-such-model.onnx'), task: 'tensor' }] })).rejects.toThrow(/^model "gone": /);
    expect(engine.closed).toBe(true);
  });

  it('refuses a malformed hub source of a tensor model, naming it', async () => {
    const engine = createEngine({ backends: testBackends() });
    await expect(engineModelService({ engine, models: [{ name: 'h', source: 'hf://not a repo', task: 'tensor' }] })).rejects.toThrow('model "h": source "hf://not a repo" is not hf://org/repo');
  });

  it('refuses a model name given twice', async () => {
    const engine = createEngine({ backends: testBackends() });
    const source = join(FIXTURES, 'tiny-bert-hf/model.onnx');
    await expect(engineModelService({ engine, models: [{ name: 'a', source }, { name: 'a', source }] })).rejects.toThrow('model name "a" is given twice');
  });

  it('reports a model whose reload failed in the repository index', async () => {
    const engine = createEngine({ backends: testBackends() });
    const service = await engineModelService({ engine, models: [{ name: 'a', source: join(FIXTURES, 'tiny-bert-hf/model.onnx'), task: 'tensor' }] });
    try {
      await service.repository!.unload('a');
      expect(await service.repository!.index()).toEqual([{ name: 'a', state: 'UNAVAILABLE', reason: 'unloaded' }]);
      await expect(service.model('a')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
      await service.repository!.load('a');
      expect((await service.model('a', '1')).ready).toBe(true);
      await expect(service.model('a', '0')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    } finally {
      await service.close();
    }
    expect(service.ready()).toBe(false);
  });
});

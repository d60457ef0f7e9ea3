import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RedisServer, startRedisServer } from '@inferox/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../cli-io';
import { runCli } from '../program';
import { type ServeFlags, serveCommand } from './serve-command';
import { workerCommand } from './worker-command';

const fixtures = resolve(import.meta.dirname, '../../../../fixtures');
const st = join(fixtures, 'tiny-bert-st');
const cls = join(fixtures, 'tiny-bert-cls');
const tmp = mkdtempSync(join(tmpdir(), 'inferox-serve-inproc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function memoryIO(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { out: () => out, err: () => err, stdout: (t) => void (out += t), stderr: (t) => void (err += t), readStdin: async () => '', isTTY: false };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

/** Starts `serveCommand` in this process; resolves once it prints its URL (rejects with its error if it ends first). */
async function serve(models: string[], flags: ServeFlags): Promise<{ url: string; io: ReturnType<typeof memoryIO>; stop: () => Promise<void> }> {
  const io = memoryIO();
  const controller = new AbortController();
  let ended = false;
  const running = serveCommand(io, models, { port: '0', ...flags }, controller.signal).finally(() => (ended = true));
  running.catch(() => undefined);
  for (;;) {
    const match = /at (http:\/\/\S+)\n/.exec(io.out());
    if (match) return { url: match[1]!, io, stop: () => (controller.abort(), running) };
    if (ended) {
      await running;
      throw new Error(`serve ended without listening: ${io.err()}`);
    }
    await tick();
  }
}

/** Runs the CLI in this process for a command that ends by itself (a refused command line or config). */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIO();
  const code = await runCli(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('serveCommand in process', () => {
  it('serves the models of a JSON config with its keys until the stop signal, then refuses connections', async () => {
    const config = join(tmp, 'serve.json');
    writeFileSync(config, JSON.stringify({ apiKeys: ['config-key-123'], models: [{ name: 'st', source: st, backends: ['onnx'], task: 'embedding' }] }));
    const server = await serve([], { config, host: '127.0.0.1' });
    expect(server.io.out()).toBe(`inferox serving st at ${server.url}\n`);
    const ok = await post(`${server.url}/v1/embeddings`, { model: 'st', input: ['hello', 'world'] }, { authorization: 'Bearer config-key-123' });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { data: { index: number; embedding: number[] }[]; model: string };
    expect(body.model).toBe('st');
    expect(body.data.map((d) => [d.index, d.embedding.length])).toEqual([
      [0, 64],
      [1, 64],
    ]);
    expect(Math.hypot(...body.data[0]!.embedding)).toBeCloseTo(1, 5);
    const denied = await post(`${server.url}/v1/embeddings`, { model: 'st', input: 'x' });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ error: { type: 'authentication_error' } });
    await server.stop();
    expect(server.io.err()).toBe('SIGTERM: shutting down (in-flight requests get up to 10000 ms)\nstopped\n');
    // A fresh connection (fetch's pool could reuse a socket the shutdown closed).
    const refused = await new Promise<string>((done) => {
      const req = httpGet(`${server.url}/v2/health/live`, { agent: false }, (res) => (res.resume(), done(`answered ${res.statusCode}`)));
      req.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('applies a YAML config and the flags over it: batching, instances, body limit, CORS and the repository extension', async () => {
    const config = join(tmp, 'serve.yaml');
    writeFileSync(config, `host: 127.0.0.1\nport: 9\nshutdownTimeoutMs: 5000\ncorsOrigins: [https://a.example]\n`);
    const server = await serve([`mini=${st}`], {
      config,
      port: '0',
      backend: ['onnx'],
      providers: ['cpu'],
      runtime: 'cpu',
      task: 'embedding',
      instances: '1',
      maxBatchSize: '4',
      maxQueueDelay: '1',
      shutdownTimeout: '3000',
      bodyLimit: '2000',
      cors: ['https://b.example'],
      modelRepository: true,
    });
    const tei = await post(`${server.url}/embed`, { inputs: 'hello' });
    expect(tei.status).toBe(200);
    expect(((await tei.json()) as number[][])[0]).toHaveLength(64);
    const big = await post(`${server.url}/embed`, { inputs: 'x'.repeat(3000) });
    expect(big.status).toBe(413);
    for (const origin of ['https://a.example', 'https://b.example']) {
      const preflight = await fetch(`${server.url}/embed`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    }
    const other = await fetch(`${server.url}/v2/health/live`, { headers: { origin: 'https://c.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const index = await post(`${server.url}/v2/repository/index`, {});
    expect(index.status).toBe(200);
    expect(await index.json()).toEqual([expect.objectContaining({ name: 'mini', state: 'READY' })]);
    await server.stop();
    expect(server.io.err()).toContain('in-flight requests get up to 3000 ms');
  });

  it('returns without listening when stopped before start-up ends', async () => {
    const io = memoryIO();
    const controller = new AbortController();
    controller.abort();
    await serveCommand(io, [st], { port: '0', backend: ['onnx'] }, controller.signal);
    expect(io.out()).toBe('');
    expect(io.err()).toBe('SIGTERM: shutting down (in-flight requests get up to 10000 ms)\n');
  });

  it('exits 1 naming the bad key, value or model when the config, a flag or a model is wrong', async () => {
    const unknown = join(tmp, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ prot: 1, models: [{ name: 'st', source: st }] }));
    const badKey = await cli(['serve', '--config', unknown]);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/^error \[INVALID_INPUT\]: .*unknown key unknown\.json\.prot/);
    const badTask = join(tmp, 'bad.yaml');
    writeFileSync(badTask, 'models:\n  - name: st\n    source: ./x\n    task: summarise\n');
    const task = await cli(['serve', '--config', badTask]);
    expect(task.code).toBe(1);
    expect(task.stderr).toContain('bad.yaml.models[0].task');
    for (const [flag, value] of [
      ['--port', 'abc'],
      ['--max-batch-size', '-1'],
      ['--instances', '1.5'],
      ['--body-limit', 'lots'],
      ['--shutdown-timeout', '9e99'],
    ] as const) {
      const result = await cli(['serve', st, flag, value]);
      expect(result.code, flag).toBe(1);
      expect(result.stderr).toContain(`${flag} must be a non-negative integer, got "${value}"`);
    }
    const none = await cli(['serve']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no models to serve');
    const both = await cli(['serve', '--queue', 'redis://127.0.0.1:1', `st=${st}`]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('give st to inferox worker --model instead');
    const usage = await cli(['serve', st, '--task', 'paint']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("'paint' is invalid");
    const broken = await cli(['serve', `broken=${tmp}`, '--port', '0']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('model "broken"');
    expect(broken.stdout).toBe('');
  });
});

describe('serveCommand --queue in process', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('answers the OpenAI, TEI and v2 routes from an in-process queue worker', async () => {
    const workerIO = memoryIO();
    const stopWorker = new AbortController();
    const worker = workerCommand(workerIO, { redis: redis.url, model: [`st=${st}`, `cls=${cls}`, `bert=${fixtures}/tiny-bert-hf/model.onnx`], queue: 'front' }, stopWorker.signal);
    worker.catch(() => undefined);
    try {
      while (!workerIO.out().includes('serving')) {
        if (workerIO.err()) throw new Error(workerIO.err());
        await tick();
      }
      const server = await serve([], { queue: redis.url, queueName: 'front' });
      try {
        expect(server.io.out()).toBe(`inferox serving the models of queue front workers at ${server.url}\n`);
        const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string }[] };
        expect(models.data.map((m) => m.id).sort()).toEqual(['bert', 'cls', 'st']);
        const embedded = await post(`${server.url}/v1/embeddings`, { model: 'st', input: 'queued' });
        expect(embedded.status).toBe(200);
        expect(((await embedded.json()) as { data: { embedding: number[] }[] }).data[0]!.embedding).toHaveLength(64);
        const predicted = await post(`${server.url}/predict`, { model: 'cls', inputs: 'Hello world!', raw_scores: true });
        expect(predicted.status).toBe(200);
        const labels = (await predicted.json()) as { label: string; score: number }[];
        expect(labels[0]!.label).toBe('positive');
        const ranked = await post(`${server.url}/rerank`, { model: 'cls', query: 'q', texts: ['a', 'b'], return_text: true });
        expect(ranked.status).toBe(200);
        expect(((await ranked.json()) as { index: number; text: string }[]).map((r) => [r.index, r.text]).sort()).toEqual([
          [0, 'a'],
          [1, 'b'],
        ]);
        const tokens = await post(`${server.url}/tokenize`, { model: 'st', inputs: 'hello' });
        expect(tokens.status).toBe(200);
        const ids = ((await tokens.json()) as { id: number }[][])[0]!.map((t) => t.id);
        expect(ids[0]).toBe(101);
        expect(ids.at(-1)).toBe(102);
        const infer = await post(`${server.url}/v2/models/bert/infer`, {
          inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({ name, datatype: 'INT64', shape: [1, 3], data: name === 'input_ids' ? [101, 7592, 102] : name === 'attention_mask' ? [1, 1, 1] : [0, 0, 0] })),
          outputs: [{ name: 'pooler_output' }],
        });
        expect(infer.status).toBe(200);
        const result = (await infer.json()) as { model_name: string; outputs: { name: string; shape: number[] }[] };
        expect(result.model_name).toBe('bert');
        expect(result.outputs.map((o) => [o.name, o.shape])).toEqual([['pooler_output', [1, 64]]]);
      } finally {
        await server.stop();
      }
      expect(server.io.err()).toContain('stopped\n');
    } finally {
      stopWorker.abort();
      await worker;
    }
  });

  it('serves the default queue, listing no models while no worker announces one', async () => {
    const server = await serve([], { queue: redis.url });
    try {
      expect(server.io.out()).toBe(`inferox serving the models of queue inferox workers at ${server.url}\n`);
      expect(await (await fetch(`${server.url}/v1/models`)).json()).toEqual({ object: 'list', data: [] });
      const missing = await post(`${server.url}/v1/embeddings`, { model: 'st', input: 'x' });
      expect(missing.status).toBe(404);
      expect(JSON.stringify(await missing.json())).toContain('no live queue worker serves model \\"st\\"; workers serve nothing');
    } finally {
      await server.stop();
    }
  });
});

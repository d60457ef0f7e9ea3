import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { serveConfigOf } from './serve-command';
import { inferoxArgs } from '../cli-child.fixture';

const run = promisify(execFile);
const fixtures = resolve(import.meta.dirname, '../../../../fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'inferox-serve-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Starts `inferox serve` as a child process and resolves once it prints its URL. */
async function serve(...args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string; exit: Promise<number | null>; stderr: () => string }> {
  const child = spawn(process.execPath, inferoxArgs('serve', '--port', '0', ...args), {
    cwd: import.meta.dirname,
    env: { ...process.env, INFEROX_API_KEYS: args.includes('--api-key') ? 'env-key-1234567' : '' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /at (http:\/\/\S+)/.exec(out);
      if (match) resolveUrl(match[1]!);
    });
    void exit.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return { child, url, exit, stderr: () => stderr };
}

/** One request on its own connection (no keep-alive), so a refused connection is told apart from a dropped one. */
function post(url: string, path: string, body: unknown): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((done) => {
    const data = JSON.stringify(body);
    const req = httpRequest(url + path, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
      res.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
    req.end(data);
  });
}

const tensorRequest = { inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({ name, datatype: 'INT64', shape: [1, 4], data: name === 'input_ids' ? [101, 7592, 2088, 102] : name === 'attention_mask' ? [1, 1, 1, 1] : [0, 0, 0, 0] })) };

describe('inferox serve', () => {
  it('serves an embedding model to curl with a key from the flag or the environment', async () => {
    const server = await serve(`st=${join(fixtures, 'tiny-bert-st')}`, '--api-key', 'flag-key-123456', '--backend', 'onnx');
    try {
      const curl = (...args: string[]) => run('curl', ['-s', '-w', '\\n%{http_code}', ...args]).then(({ stdout }) => {
        const lines = stdout.trimEnd().split('\n');
        return { status: Number(lines.pop()), body: lines.join('\n') };
      });
      const ok = await curl('-H', 'Authorization: Bearer flag-key-123456', '-H', 'content-type: application/json', '-d', '{"model":"st","input":["hello","world"]}', `${server.url}/v1/embeddings`);
      expect(ok.status).toBe(200);
      const body = JSON.parse(ok.body) as { data: { embedding: number[] }[]; usage: { total_tokens: number } };
      expect(body.data).toHaveLength(2);
      expect(body.data[0]!.embedding).toHaveLength(64);
      expect(body.usage.total_tokens).toBeGreaterThan(0);
      const denied = await curl('-d', '{"model":"st","input":"x"}', '-H', 'content-type: application/json', `${server.url}/v1/embeddings`);
      expect(denied.status).toBe(401);
      expect(JSON.parse(denied.body)).toMatchObject({ error: { type: 'authentication_error' } });
      const viaEnv = await curl('-H', 'Authorization: Bearer env-key-1234567', `${server.url}/v1/models`);
      expect(JSON.parse(viaEnv.body)).toMatchObject({ object: 'list', data: [{ id: 'st', object: 'model' }] });
      expect((await curl(`${server.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exit).toBe(0);
    }
  });

  it('answers every accepted request and exits 0 when SIGTERM comes during load', async () => {
    // A one-second batching delay keeps requests queued in the engine when the signal arrives.
    const server = await serve(`bert=${join(fixtures, 'tiny-bert-hf/model.onnx')}`, '--task', 'tensor', '--max-batch-size', '64', '--max-queue-delay', '1000');
    const queued = Array.from({ length: 16 }, () => post(server.url, '/v2/models/bert/infer', tensorRequest));
    for (;;) {
      const state = await fetch(`${server.url}/dashboard/state`).then((r) => r.json() as Promise<{ queueDepth: number }>);
      if (state.queueDepth === 16) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    let loading = true;
    const background: Promise<{ status: number } | { error: string }>[] = [];
    const load = (async () => {
      while (loading) {
        const p = post(server.url, '/v2/models/bert/infer', tensorRequest);
        background.push(p);
        await p;
      }
    })();
    server.child.kill('SIGTERM');
    const answers = await Promise.all(queued);
    expect(await server.exit).toBe(0);
    loading = false;
    await load;
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 200 });
      expect(JSON.parse((answer as { body: string }).body).outputs).toHaveLength(2);
    }
    // Requests that raced the shutdown were either answered (200, or 503 while closing) or never accepted.
    for (const answer of await Promise.all(background)) {
      if ('status' in answer) expect([200, 503]).toContain(answer.status);
      else expect(['ECONNREFUSED', 'ECONNRESET']).toContain(answer.error);
    }
    expect(server.stderr()).toContain('SIGTERM: shutting down');
  });

  it('exits at once with 130 on a second signal while a request is still in flight', async () => {
    const server = await serve(`bert=${join(fixtures, 'tiny-bert-hf/model.onnx')}`, '--task', 'tensor', '--max-batch-size', '64', '--max-queue-delay', '20000');
    const pending = post(server.url, '/v2/models/bert/infer', tensorRequest);
    for (;;) {
      const state = await fetch(`${server.url}/dashboard/state`).then((r) => r.json() as Promise<{ queueDepth: number }>);
      if (state.queueDepth === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    server.child.kill('SIGTERM');
    while (!server.stderr().includes('shutting down')) await new Promise((r) => setTimeout(r, 20));
    server.child.kill('SIGINT');
    expect(await server.exit).toBe(130);
    expect(server.stderr()).toContain('SIGINT again: exiting now');
    expect(await pending).toHaveProperty('error');
  });

  it('reads a YAML config and names the bad key', async () => {
    const good = join(tmp, 'serve.yaml');
    writeFileSync(good, `port: 9999\napiKeys: [config-key-123]\nmodels:\n  - name: st\n    source: ${join(fixtures, 'tiny-bert-st')}\n    backends: [onnx]\n    task: embedding\n`);
    const config = await serveConfigOf([], { config: good, apiKey: ['flag-key-123456'] }, { INFEROX_API_KEYS: 'env-key-1234567, other-key-12345' });
    expect(config.port).toBe(9999);
    expect(config.apiKeys).toEqual(['config-key-123', 'flag-key-123456', 'env-key-1234567', 'other-key-12345']);
    expect(config.models).toEqual([{ name: 'st', source: join(fixtures, 'tiny-bert-st'), backends: ['onnx'], task: 'embedding' }]);
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'models:\n  - name: st\n    source: ./x\n    task: summarise\n');
    await expect(serveConfigOf([], { config: bad })).rejects.toThrow(/bad\.yaml\.models\[0\]\.task/);
    const unknown = join(tmp, 'unknown.json');
    writeFileSync(unknown, '{"prot": 1}');
    await expect(serveConfigOf([], { config: unknown })).rejects.toThrow('unknown key unknown.json.prot');
    await expect(serveConfigOf([], {})).rejects.toThrow('no models to serve');
  });

  it('exits 1 naming the model when a model cannot be loaded', async () => {
    const result = await run(process.execPath, inferoxArgs('serve', `broken=${tmp}`, '--port', '0'), { cwd: import.meta.dirname }).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).toBe(1);
    expect((result as { stderr: string }).stderr).toContain('model "broken"');
  });
});

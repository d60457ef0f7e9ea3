import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Tensor } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { type Engine, createEngine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { type QueueWorker, createQueueClient, createQueueWorker } from '@inferox/queue';
import { type RedisServer, createDeviceBoundBackend, startRedisServer } from '@inferox/queue/testing';
import { type InferoxServer, createServer } from '@inferox/server';
import { type TextModel, loadTextModel } from '@inferox/text';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueModelService } from './queue-model-service';
import { inferoxArgs } from '../cli-child.fixture';

const FIXTURES = resolve(import.meta.dirname, '../../../../fixtures');

describe('queueModelService behind the HTTP server', () => {
  let redis: RedisServer;
  let engine: Engine;
  let text: TextModel;
  let worker: QueueWorker;
  let server: InferoxServer;
  beforeAll(async () => {
    redis = await startRedisServer();
    engine = createEngine({ backends: [createDeviceBoundBackend({ runMs: 1 }), createOnnxBackend()] });
    await engine.load('standin', { source: 'stand-in', backends: ['device-bound'] });
    text = await loadTextModel(engine, resolve(FIXTURES, 'tiny-bert-st'), { name: 'st', backends: ['onnx'] });
    worker = await createQueueWorker({ engine, connection: redis.url, queue: 'front', textModels: [text], models: ['standin'], concurrency: 2 });
    server = await createServer({ service: queueModelService({ client: createQueueClient({ connection: redis.url, queue: 'front' }) }) });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await worker?.close();
    await text?.dispose();
    await engine?.close();
    await redis?.stop();
  });

  it('lists the models the workers announce and answers v2 metadata for one', async () => {
    const list = await server.app.inject({ method: 'GET', url: '/v1/models' });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { data: { id: string }[] }).data.map((m) => m.id).sort()).toEqual(['st', 'standin']);
    const meta = await server.app.inject({ method: 'GET', url: '/v2/models/standin' });
    expect(meta.statusCode).toBe(200);
    expect(meta.json()).toMatchObject({ name: 'standin', inputs: [{ name: 'x', datatype: 'FP32' }] });
    expect((await server.app.inject({ method: 'GET', url: '/v2/models/nope' })).statusCode).toBe(404);
  });

  it('runs a v2 infer request on a queue worker and returns its outputs', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v2/models/standin/infer',
      payload: { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [1.5, -2] }] },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ model_name: 'standin', outputs: [{ name: 'y', shape: [1, 2], data: [1.5, -2] }] });
    const unknown = await server.app.inject({ method: 'POST', url: '/v2/models/standin/infer', payload: { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [1, 2] }], outputs: [{ name: 'z' }] } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toMatch(/has no output ."z."; it has y/);
  });

  it('embeds through the OpenAI route with the worker text model, equal to the model in process', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/v1/embeddings', payload: { model: 'st', input: ['queued text'] } });
    expect(response.statusCode, response.body).toBe(200);
    const remote = (response.json() as { data: { embedding: number[] }[] }).data[0]!.embedding;
    const local = (await text.embed(['queued text'])).embeddings[0]!;
    expect(remote).toHaveLength(64);
    remote.forEach((v, i) => expect(Math.abs(v - local[i]!)).toBeLessThan(1e-6));
  });

  it('serves the queue metrics on /metrics', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.body).toContain('inferox_queue_live_workers 1');
    expect(response.body).toMatch(/inferox_queue_requests_total\{model="standin",outcome="ok"\} \d/);
  });

  it('refuses tensors for a text request on a tensor model, and requests after close', async () => {
    const service = queueModelService({ client: createQueueClient({ connection: redis.url, queue: 'front' }) });
    expect((await rejectionOf(service.text('standin'))).code).toBe('INVALID_INPUT');
    expect((await rejectionOf(service.model('standin', '7'))).message).toContain('version "7"');
    expect(service.ready()).toBe(true);
    await service.close({ timeoutMs: 100 });
    expect(service.ready()).toBe(false);
    expect((await rejectionOf(service.infer('standin', { x: Tensor.from('float32', [1, 2], [1, 2]) }))).code).toBe('SHUT_DOWN');
  });

  it('runs inferox serve --queue as a real child process that answers from the workers', async () => {
    const child = spawn(process.execPath, inferoxArgs('serve', '--queue', redis.url, '--queue-name', 'front', '--port', '0'), { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      while (!/at (http:\S+)/.test(out)) {
        if (child.exitCode !== null) throw new Error(`serve exited early: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /at (http:\S+)/.exec(out)![1]!;
      expect(out).toContain('serving the models of queue front workers');
      const response = await fetch(`${url}/v2/models/standin/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: [3, 4] }] }) });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ outputs: [{ name: 'y', data: [3, 4] }] });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, err).toBe(0);
  }, 60_000);
});

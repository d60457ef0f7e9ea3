import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Tensor } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { createQueueClient } from '@inferox/queue';
import { type RedisServer, startRedisServer } from '@inferox/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../cli-io';
import { runCli } from '../program';
import { workerCommand } from './worker-command';
import { inferoxArgs } from '../cli-child.fixture';

const FIXTURES = resolve(import.meta.dirname, '../../../../fixtures');

function memoryIO(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), readStdin: async () => '', isTTY: false };
}

describe('inferox worker', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('serves a text model and a tensor model from the queue until stopped, as one process', async () => {
    const io = memoryIO();
    const stop = new AbortController();
    const running = workerCommand(io, { redis: redis.url, model: [`st=${FIXTURES}/tiny-bert-st`, `bert=${FIXTURES}/tiny-bert-hf/model.onnx`], queue: 'cli1', concurrency: '2', id: 'in-process', lockDuration: '5000', stalledInterval: '5000', maxStalled: '1' }, stop.signal);
    const client = createQueueClient({ connection: redis.url, queue: 'cli1' });
    try {
      while (!io.out.join('').includes('serving')) {
        await new Promise((r) => setTimeout(r, 20));
        if (io.err.length) throw new Error(io.err.join(''));
      }
      expect(io.out.join('')).toBe('inferox worker in-process serving bert, st from queue cli1\n');
      const { embeddings } = await client.embed('st', ['hello']);
      expect(embeddings[0]).toHaveLength(64);
      const ids = Tensor.from('int64', new BigInt64Array([101n, 7592n, 102n]), [1, 3]);
      const ones = Tensor.from('int64', new BigInt64Array([1n, 1n, 1n]), [1, 3]);
      const zeros = Tensor.from('int64', new BigInt64Array(3), [1, 3]);
      const result = await client.infer('bert', { input_ids: ids, attention_mask: ones, token_type_ids: zeros });
      expect(result.outputs.last_hidden_state!.shape).toEqual([1, 3, 64]);
    } finally {
      stop.abort();
      await running;
      await client.close();
    }
    expect(io.err.join('')).toContain('stopped');
  });

  it('fails with a message naming the problem when no model is given or a flag is bad', async () => {
    const io = memoryIO();
    expect(await runCli(['worker', '--redis', redis.url], io)).toBe(1);
    expect(io.err.join('')).toContain('no models to serve');
    expect((await rejectionOf(workerCommand(memoryIO(), { redis: redis.url, model: ['x'], concurrency: '0' }))).message).toContain('--concurrency must be an integer ≥ 1, got "0"');
    expect((await rejectionOf(workerCommand(memoryIO(), { redis: redis.url, model: ['x'], task: 'paint' }))).message).toContain('--task must be auto');
    const missing = await rejectionOf(workerCommand(memoryIO(), { redis: redis.url, model: ['gone=/nonexistent/model.onnx'] }));
    expect(missing.message).toContain('model "gone"');
  });

  it('runs as a real child process, answers jobs, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, inferoxArgs('worker', '--redis', redis.url, '--model', `${FIXTURES}/tiny-bert-st`, '--queue', 'cli2', '--id', 'child'), {
      cwd: import.meta.dirname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    // The line reaches this process through a pipe, which can deliver it after a job's answer came through Redis.
    const announced = new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('\n') && resolve()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const client = createQueueClient({ connection: redis.url, queue: 'cli2' });
    try {
      const died = exited.then((code) => Promise.reject(new Error(`the worker exited (${String(code)}) early: ${err}`)));
      const { embeddings, tokens } = await Promise.race([client.embed('tiny-bert-st', ['a worker process', 'two texts']), died]);
      expect(embeddings.map((e) => e.length)).toEqual([64, 64]);
      expect(tokens).toBeGreaterThan(4);
      await Promise.race([announced, died]);
      expect(out).toBe('inferox worker child serving tiny-bert-st from queue cli2\n');
      const stats = await client.stats();
      expect(stats.workers.map((w) => [w.id, w.models.map((m) => m.name)])).toEqual([['child', ['tiny-bert-st']]]);
    } finally {
      child.kill('SIGTERM');
      await client.close();
    }
    expect(await exited, err).toBe(0);
    expect(err).toContain('SIGTERM: finishing running jobs');
  }, 60_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Tensor } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { createQueueClient } from '@inferox/queue';
import { type RedisServer, startRedisServer } from '@inferox/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../cli-io';
import { runCli } from '../program';
import { type WorkerFlags, workerCommand } from './worker-command';

const fixtures = resolve(import.meta.dirname, '../../../../fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'inferox-worker-inproc-'));

function memoryIO(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { out: () => out, err: () => err, stdout: (t) => void (out += t), stderr: (t) => void (err += t), readStdin: async () => '', isTTY: false };
}

/** Starts `workerCommand` in this process; resolves once it announces its models. */
async function startWorker(flags: WorkerFlags): Promise<{ io: ReturnType<typeof memoryIO>; stop: () => Promise<void> }> {
  const io = memoryIO();
  const controller = new AbortController();
  let ended = false;
  const running = workerCommand(io, flags, controller.signal).finally(() => (ended = true));
  running.catch(() => undefined);
  while (!io.out().includes(' serving ')) {
    if (ended) {
      await running;
      throw new Error(`the worker ended without serving: ${io.err()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { io, stop: () => (controller.abort(), running) };
}

const bertFeeds = () => ({
  input_ids: Tensor.from('int64', new BigInt64Array([101n, 7592n, 102n]), [1, 3]),
  attention_mask: Tensor.from('int64', new BigInt64Array([1n, 1n, 1n]), [1, 3]),
  token_type_ids: Tensor.from('int64', new BigInt64Array(3), [1, 3]),
});

describe('workerCommand in process', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('serves an embedding model on the default queue with a generated id when --task embedding is given', async () => {
    const worker = await startWorker({ redis: redis.url, model: [`${fixtures}/tiny-bert-st`], task: 'embedding', backend: ['onnx'], providers: ['cpu'], runtime: 'cpu' });
    const client = createQueueClient({ connection: redis.url });
    try {
      expect(worker.io.out()).toMatch(/^inferox worker \S+:\d+:\S+ serving tiny-bert-st from queue inferox\n$/);
      const { embeddings } = await client.embed('tiny-bert-st', ['default queue']);
      expect(embeddings.map((e) => e.length)).toEqual([64]);
      const stats = await client.stats();
      expect(stats.workers.flatMap((w) => w.models.map((m) => m.name))).toEqual(['tiny-bert-st']);
    } finally {
      await client.close();
      await worker.stop();
    }
    expect(worker.io.err()).toBe('SIGTERM: finishing running jobs, taking no new ones\nstopped\n');
  });

  it('serves a classifier, a packed package and a tensor model when the task is classification, auto and tensor', async () => {
    const pkg = join(tmp, 'pkg');
    const packIO = memoryIO();
    expect(await runCli(['pack', join(fixtures, 'tiny-bert-hf'), '-o', pkg], packIO), packIO.err()).toBe(0);
    const classifier = await startWorker({ redis: redis.url, model: [`cls=${fixtures}/tiny-bert-cls`], task: 'classification', queue: 'mixed', id: 'cls-worker' });
    const packed = await startWorker({ redis: redis.url, model: [`pkg=${pkg}`], queue: 'mixed', id: 'pkg-worker', backend: ['onnx'] });
    const tensor = await startWorker({ redis: redis.url, model: [`onnx=${fixtures}/tiny-bert-hf/model.onnx`], task: 'tensor', queue: 'mixed', id: 'onnx-worker' });
    const client = createQueueClient({ connection: redis.url, queue: 'mixed' });
    try {
      expect(classifier.io.out()).toBe('inferox worker cls-worker serving cls from queue mixed\n');
      expect(packed.io.out()).toBe('inferox worker pkg-worker serving pkg from queue mixed\n');
      const [labels] = await client.classify('cls', ['Hello world!']);
      expect(labels![0]!.label).toBe('positive');
      for (const model of ['pkg', 'onnx']) {
        const result = await client.infer(model, bertFeeds());
        expect(result.model).toBe(model);
        expect(result.outputs.last_hidden_state!.shape).toEqual([1, 3, 64]);
        expect(result.outputs.pooler_output!.shape).toEqual([1, 64]);
      }
    } finally {
      await client.close();
      await Promise.all([classifier.stop(), packed.stop(), tensor.stop()]);
    }
  });

  it('returns without taking jobs when stopped before its models are loaded', async () => {
    const io = memoryIO();
    const controller = new AbortController();
    controller.abort();
    await workerCommand(io, { redis: redis.url, model: [`${fixtures}/tiny-bert-st`, `${fixtures}/tiny-bert-cls`] }, controller.signal);
    expect(io.out()).toBe('');
    expect(io.err()).toBe('SIGTERM: finishing running jobs, taking no new ones\n');
  });

  it('names the flag and its value when a number flag is wrong, and the model when it cannot be loaded', async () => {
    for (const [flag, key, value, min] of [
      ['--lock-duration', 'lockDuration', '0', 1],
      ['--stalled-interval', 'stalledInterval', 'soon', 1],
      ['--max-stalled', 'maxStalled', '-1', 0],
    ] as const) {
      const error = await rejectionOf(workerCommand(memoryIO(), { redis: redis.url, model: ['x'], [key]: value }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toBe(`${flag} must be an integer ≥ ${min}, got "${value}"`);
    }
    const io = memoryIO();
    expect(await runCli(['worker', '--redis', redis.url, '--model', `text=${tmp}`, '--task', 'embedding'], io)).toBe(1);
    expect(io.err()).toMatch(/^error \[\w+\]: model "text": /);
    expect(io.out()).toBe('');
    const usage = memoryIO();
    expect(await runCli(['worker', '--model', 'x'], usage)).toBe(2);
    expect(usage.err()).toContain("required option '--redis <url>' not specified");
  });
});

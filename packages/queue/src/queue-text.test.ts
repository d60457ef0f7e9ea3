import { resolve } from 'node:path';
import { createEngine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { maxAbsDiff, rejectionOf } from '@inferox/core/testing';
import { type TextModel, loadTextModel } from '@inferox/text';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QueueClient, createQueueClient } from './create-queue-client';
import { type QueueWorkerProcess, type RedisServer, spawnQueueWorker, startRedisServer } from './testing';

const FIXTURES = resolve(import.meta.dirname, '../../../fixtures');
const ST = resolve(FIXTURES, 'tiny-bert-st');
const CLS = resolve(FIXTURES, 'tiny-bert-cls');

describe('QueueClient text tasks on a worker process serving tiny BERT models', () => {
  let redis: RedisServer;
  let worker: QueueWorkerProcess;
  let client: QueueClient;
  const engine = createEngine({ backends: [createOnnxBackend()] });
  let embedder: TextModel;
  let classifier: TextModel;

  beforeAll(async () => {
    redis = await startRedisServer();
    worker = await spawnQueueWorker({ url: redis.url, queue: 'text', concurrency: 2, text: { st: ST, cls: CLS } });
    client = createQueueClient({ connection: redis.url, queue: 'text' });
    embedder = await loadTextModel(engine, ST, { name: 'st' });
    classifier = await loadTextModel(engine, CLS, { name: 'cls' });
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await worker?.stop();
    await engine.close();
    await redis?.stop();
  });

  it('announces the text models with their task and info when the worker serves them', async () => {
    const models = await client.models();
    const byName = Object.fromEntries(models.map((m) => [m.name, m]));
    expect(byName.st).toMatchObject({ kind: 'embedding', workers: 1, text: { dimensions: 64 } });
    expect(byName.cls).toMatchObject({ kind: 'classification', text: { labels: ['negative', 'neutral', 'positive'] } });
  });

  it('embeds through the queue exactly as the model does in process', async () => {
    const texts = ['a cat sat on the mat', 'queues carry tensors as bytes'];
    const remote = await client.embed('st', texts, { promptName: 'query', priority: 'high' });
    const local = await embedder.embed(texts, { promptName: 'query' });
    expect(remote.tokens).toBe(local.tokens);
    expect(remote.embeddings).toHaveLength(2);
    remote.embeddings.forEach((row, i) => expect(maxAbsDiff(row, local.embeddings[i]!)).toBeLessThan(1e-6));
  });

  it('classifies, reranks and tokenizes through the queue as the model does in process', async () => {
    const inputs = ['great', ['is it good?', 'yes it is'] as const];
    expect(await client.classify('cls', inputs, { topK: 2 })).toEqual(await classifier.classify(inputs, { topK: 2 }));
    const passages = ['one passage', 'another passage', 'a third'];
    expect(await client.rerank('cls', 'which one?', passages, { returnText: true })).toEqual(await classifier.rerank('which one?', passages, { returnText: true }));
    expect(await client.tokenize('st', ['hello queue'])).toEqual(await embedder.tokenize(['hello queue']));
  });

  it('fails with the text model error when a task does not fit the model', async () => {
    const error = await rejectionOf(client.embed('cls', ['x']));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('cls');
  });
});

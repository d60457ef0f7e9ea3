import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServer } from './create-server';
import { FIXTURES, startTestServer } from './test-server.fixture';

const reference = JSON.parse(readFileSync(join(FIXTURES, 'tiny-bert-hf/reference.json'), 'utf8')) as { inputs: Record<string, number[][]> };
const body = JSON.stringify({ inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({ name, datatype: 'INT64', shape: [1, 12], data: reference.inputs[name]![0]! })) });
// Requests to `slow` wait in the batching queue for 800 ms: long enough to be in flight on purpose.
const slow = { name: 'slow', source: join(FIXTURES, 'tiny-bert-hf/model.onnx'), task: 'tensor' as const, backends: ['onnx'], batching: { maxBatchSize: 64, maxQueueDelayMs: 800 } };
const infer = (url: string) => fetch(`${url}/v2/models/slow/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('createServer lifecycle and limits', () => {
  it('answers 429 with Retry-After past maxConcurrentRequests and keeps serving', async () => {
    const { server, url } = await startTestServer([slow], { limits: { maxConcurrentRequests: 1 } });
    try {
      const first = infer(url);
      for (;;) {
        const state = (await (await fetch(`${url}/dashboard/state`)).json()) as { queueDepth: number };
        if (state.queueDepth === 1) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const second = await infer(url);
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(((await second.json()) as { error: string }).error).toContain('maxConcurrentRequests');
      expect((await first).status).toBe(200);
      expect((await infer(url)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('answers 504 when the request timeout elapses in the queue', async () => {
    const { server, url } = await startTestServer([slow], { limits: { requestTimeoutMs: 50 } });
    try {
      const res = await infer(url);
      expect(res.status).toBe(504);
      expect(((await res.json()) as { code: string }).code).toBe('TIMEOUT');
    } finally {
      await server.close();
    }
  });

  it('lets an in-flight request finish, turns readiness off, refuses new connections and closes the engine on close()', async () => {
    const { server, url, engine } = await startTestServer([slow]);
    const inFlight = infer(url);
    while (engine.stats().requests.queued === 0) await new Promise((r) => setTimeout(r, 10));
    const closing = server.close();
    expect(server.closing).toBe(true);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { outputs: unknown[] }).outputs).toHaveLength(2);
    await closing;
    expect(engine.closed).toBe(true);
    const after = await fetch(`${url}/v2/health/ready`).catch((e: Error) => e);
    expect(after).toBeInstanceOf(Error);
    await server.close(); // a second close is the same promise
  });

  it('cuts connections still open when the shutdown timeout elapses', async () => {
    const { server, url, engine } = await startTestServer([{ ...slow, batching: { maxBatchSize: 64, maxQueueDelayMs: 5_000 } }]);
    const inFlight = infer(url).catch((e: Error) => e);
    while (engine.stats().requests.queued === 0) await new Promise((r) => setTimeout(r, 10));
    await server.close({ timeoutMs: 100 });
    expect(await inFlight).toBeInstanceOf(Error);
    expect(engine.closed).toBe(true);
  });

  it('refuses a limit that is not a positive integer, naming it', async () => {
    const { server } = await startTestServer([]);
    try {
      await expect(createServer({ service: { close: async () => {} } as never, limits: { maxElements: 0 } })).rejects.toThrow('limits.maxElements must be a positive integer, got 0');
    } finally {
      await server.close();
    }
  });
});

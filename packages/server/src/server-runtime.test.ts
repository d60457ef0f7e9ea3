import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startTestServer } from './test-server.fixture';

const reference = JSON.parse(readFileSync(join(FIXTURES, 'tiny-bert-hf/reference.json'), 'utf8')) as { inputs: Record<string, number[][]> };
const names = ['input_ids', 'attention_mask', 'token_type_ids'];
const row = (i: number) => ({ inputs: names.map((name) => ({ name, datatype: 'INT64', shape: [1, 12], data: reference.inputs[name]![i % 3]! })) });

interface Metric {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string; count?: string; buckets?: Record<string, string> }[];
}

let ctx: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  ctx = await startTestServer([
    { name: 'bert', source: join(FIXTURES, 'tiny-bert-hf/model.onnx'), task: 'tensor', backends: ['onnx'], batching: { maxBatchSize: 16, maxQueueDelayMs: 1 } },
    // Requests to `slow` wait in the batching queue for a second, long enough for a client to go away first.
    { name: 'slow', source: join(FIXTURES, 'tiny-bert-hf/model.onnx'), task: 'tensor', backends: ['onnx'], batching: { maxBatchSize: 64, maxQueueDelayMs: 1000 } },
  ]);
});
afterAll(async () => ctx?.server.close());

const infer = (model: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${ctx.url}/v2/models/${model}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });

describe('createServer at runtime', () => {
  it('answers every one of 400 requests from 64 concurrent clients with a well-formed response', async () => {
    let next = 0;
    const answers: number[] = [];
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < 400) {
          const i = next++;
          const res = await infer('bert', row(i));
          const body = (await res.json()) as { outputs: { name: string; shape: number[] }[] };
          expect(res.status).toBe(200);
          expect(body.outputs.find((o) => o.name === 'pooler_output')!.shape).toEqual([1, 64]);
          answers.push(i);
        }
      }),
    );
    expect(answers.sort((a, b) => a - b)).toEqual(Array.from({ length: 400 }, (_, i) => i));
  });

  it('exposes request duration and size by route and status plus the engine metrics on /metrics', async () => {
    await infer('bert', row(0));
    await infer('bert', { inputs: [] });
    const text = await (await fetch(`${ctx.url}/metrics`)).text();
    const parsed = parsePrometheusTextFormat(text) as Metric[];
    const byName = new Map(parsed.map((m) => [m.name, m]));
    const requests = byName.get('inferox_http_requests_total')!;
    expect(requests.type).toBe('COUNTER');
    const ok = requests.metrics.find((m) => m.labels?.route === '/v2/models/:model/infer' && m.labels.status === '200')!;
    expect(Number(ok.value)).toBeGreaterThanOrEqual(401);
    expect(requests.metrics.some((m) => m.labels?.route === '/v2/models/:model/infer' && m.labels.status === '400')).toBe(true);
    // The parser folds a labelled histogram's series together, so the per-route series are read from the text itself.
    expect(byName.get('inferox_http_request_duration_seconds')!.type).toBe('HISTOGRAM');
    expect(text).toMatch(/inferox_http_request_duration_seconds_count\{route="\/v2\/models\/:model\/infer",method="POST",status="200"\} \d+/);
    expect(byName.get('inferox_http_request_size_bytes')!.type).toBe('HISTOGRAM');
    expect(byName.get('inferox_http_response_size_bytes')!.type).toBe('HISTOGRAM');
    expect(byName.get('inferox_compute_duration_seconds')!.type).toBe('HISTOGRAM');
    expect(text).toMatch(/inferox_compute_duration_seconds_count\{[^}]*model="bert"[^}]*\} \d+/);
  });

  it('cancels a queued request when its client goes away', async () => {
    const failed = () => ctx.engine.stats().requests.failed.CANCELLED ?? 0;
    const before = failed();
    const controller = new AbortController();
    const pending = infer('slow', row(0), controller.signal).catch((e: unknown) => e);
    // Wait until the request is queued in the engine, then drop the connection.
    while (ctx.engine.stats().requests.queued === 0) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    while (failed() === before) await new Promise((r) => setTimeout(r, 10));
    expect(failed()).toBe(before + 1);
    expect(ctx.engine.stats().requests.queued).toBe(0);
  });

  it('serves the dashboard state with the models, their replicas and the request window', async () => {
    const state = (await (await fetch(`${ctx.url}/dashboard/state`)).json()) as { ready: boolean; models: { name: string; replicas: { backend: string }[] }[]; recent: { requests: number } };
    expect(state.ready).toBe(true);
    expect(state.models.map((m) => m.name)).toEqual(['bert', 'slow']);
    expect(state.models[0]!.replicas[0]!.backend).toBe('onnx');
    expect(state.recent.requests).toBeGreaterThan(400);
    const page = await fetch(`${ctx.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Sentence similarity');
  });
});

import { Tensor } from '@inferox/core';
import { register as globalRegistry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from './engine';
import { ControlledBackend, feedsOf } from './controlled-backend.fixture';

describe('Engine metrics', () => {
  let engine: Engine;
  afterEach(async () => {
    await engine.close();
  });

  it('exports requests, durations, gauges, batch sizes and memory in its own registry', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 321 });
    engine = createEngine({ backends: [ctl], config: { maxMemoryBytes: 10_000 } });
    await engine.load('m', { source: 'm', batching: { maxBatchSize: 4, maxQueueDelayMs: 0 } });
    await engine.infer('m', feedsOf(1));
    await engine.infer('m', { x: Tensor.zeros('int32', [1, 2]) }).catch(() => undefined);
    ctl.hold();
    const running = engine.infer('m', feedsOf(2));
    await ctl.whenWaiting(1);
    const queued = engine.infer('m', feedsOf(3));
    const text = await engine.metrics.metrics();
    expect(text).toContain('inferox_requests_total{model="m",backend="ctl",outcome="success"} 1');
    expect(text).toContain('inferox_requests_total{model="m",backend="none",outcome="INVALID_INPUT"} 1');
    expect(text).toContain('inferox_queue_duration_seconds_count{model="m",backend="ctl"} 1');
    expect(text).toContain('inferox_compute_duration_seconds_count{model="m",backend="ctl"} 1');
    expect(text).toContain('inferox_requests_in_flight{model="m",version="1",backend="ctl"} 1');
    expect(text).toContain('inferox_requests_queued{model="m",version="1",backend="ctl"} 1');
    expect(text).toContain('inferox_model_memory_bytes{model="m",version="1",backend="ctl"} 321');
    expect(text).toContain('inferox_memory_held_bytes 321');
    expect(text).toContain('inferox_memory_budget_bytes 10000');
    // Request 1 ran and request 2 is running, each alone (nothing else was queued when it was dispatched).
    expect(text).toContain('inferox_batch_size_count{model="m",backend="ctl"} 2\n');
    expect(text).toContain('inferox_batch_alone_total{model="m",backend="ctl",reason="queue-empty"} 2\n');
    ctl.release();
    await Promise.all([running, queued]);
    const stats = engine.stats();
    expect(stats.requests).toMatchObject({ succeeded: 3, failed: { INVALID_INPUT: 1 }, inFlight: 0, queued: 0 });
    // Request 3 was dispatched alone once request 2 returned: three batches of one, all for an empty queue.
    expect(stats.batches).toEqual({ sizes: { 1: 3 }, alone: { 'queue-empty': 3 } });
    expect(await globalRegistry.metrics()).not.toContain('inferox_');
  });

  it('omits the budget gauge when there is no budget', async () => {
    engine = createEngine({ backends: [new ControlledBackend()] });
    const text = await engine.metrics.metrics();
    expect(text).not.toMatch(/^inferox_memory_budget_bytes \d/m);
    expect(text).toContain('inferox_memory_held_bytes 0');
  });
  it('labels requests with the model name without its version and puts unknown names under one label', async () => {
    engine = createEngine({ backends: [new ControlledBackend()] });
    await engine.load('m', { source: 'm' });
    await engine.infer('m@1', feedsOf(1));
    for (const name of ['nope-1', 'nope-2', 'm@7']) await engine.infer(name, feedsOf(1)).catch(() => undefined);
    const text = await engine.metrics.metrics();
    expect(text).toContain('inferox_requests_total{model="m",backend="ctl",outcome="success"} 1');
    expect(text).toContain('inferox_requests_total{model="(unknown)",backend="none",outcome="MODEL_NOT_FOUND"} 3');
    expect(text).not.toMatch(/model="(m@1|nope-1|nope-2|m@7)"/);
  });

  it('reports the same counts in stats() and in the registry, since both read one set of records', async () => {
    const a = new ControlledBackend({ name: 'a', memoryBytes: 100 });
    const b = new ControlledBackend({ name: 'b', memoryBytes: 100 });
    engine = createEngine({ backends: [a, b], config: { maxMemoryBytes: 250 } });
    await engine.load('m', { source: 'm', backends: ['a', 'b'] });
    a.failNext('BACKEND_ERROR');
    await engine.infer('m', feedsOf(1));
    await engine.infer('m', feedsOf(2));
    await engine.infer('m', { x: Tensor.zeros('int32', [1, 2]) }).catch(() => undefined);
    await engine.infer('nope', feedsOf(3)).catch(() => undefined);
    await engine.load('n', { source: 'n', backends: ['a'] });
    const sum = async (name: string, filter: (labels: Record<string, string>) => boolean = () => true): Promise<number> =>
      (await engine.metrics.getSingleMetric(name)!.get()).values.filter((v) => filter(v.labels as Record<string, string>)).reduce((n, v) => n + v.value, 0);
    const stats = engine.stats();
    expect(stats.requests).toMatchObject({ succeeded: 2, failed: { INVALID_INPUT: 1, MODEL_NOT_FOUND: 1 }, fallbacks: 1 });
    expect(stats.evictions).toBe(1);
    expect(await sum('inferox_requests_total', (l) => l.outcome === 'success')).toBe(stats.requests.succeeded);
    expect(await sum('inferox_requests_total', (l) => l.outcome !== 'success')).toBe(2);
    expect(await sum('inferox_fallbacks_total')).toBe(stats.requests.fallbacks);
    expect(await sum('inferox_evictions_total')).toBe(stats.evictions);
    expect(await sum('inferox_batch_alone_total')).toBe(Object.values(stats.batches.alone).reduce((n, c) => n + c, 0));
  });
});

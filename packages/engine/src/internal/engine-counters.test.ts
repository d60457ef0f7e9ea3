import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { EngineCounters } from './engine-counters';

const SOURCES = { replicas: () => [], heldBytes: () => 0, budgetBytes: () => null };

/** The lines of one metric family in a prom-client text export. */
function family(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(name) || line.includes(` ${name} `));
}

describe('EngineCounters', () => {
  it('exports its histograms exactly as a prom-client Histogram observing the same values would', async () => {
    const counters = new EngineCounters(SOURCES);
    const reference = new Registry();
    const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    const queue = new Histogram({ name: 'inferox_queue_duration_seconds', help: 'Time requests waited in a queue.', labelNames: ['model', 'backend'], buckets, registers: [reference] });
    // Edges of buckets, between them, above the last one, and two label sets (one shared by two series lookups).
    const values: [string, string, number][] = [
      ['m', 'onnx', 0],
      ['m', 'onnx', 0.0005],
      ['m', 'onnx', 0.0007],
      ['m', 'tfjs', 2.5],
      ['m', 'onnx', 11],
      ['n', 'onnx', 0.3],
    ];
    for (const [model, backend, value] of values) {
      counters.queueSeconds.series({ model, backend }).observe(value);
      queue.observe({ model, backend }, value);
    }
    const ours = await counters.registry.metrics();
    const theirs = await reference.metrics();
    const lines = family(theirs, 'inferox_queue_duration_seconds');
    expect(lines.length).toBe(2 + 3 * (buckets.length + 3));
    expect(family(ours, 'inferox_queue_duration_seconds')).toEqual(lines);
    expect(ours).toContain('inferox_queue_duration_seconds_bucket{le="0.0005",model="m",backend="onnx"} 2\n');
    expect(ours).toContain('inferox_queue_duration_seconds_bucket{le="+Inf",model="m",backend="onnx"} 4\n');
    expect(await counters.registry.getSingleMetric('inferox_queue_duration_seconds')!.get()).toEqual(await queue.get());
  });

  it('exports no series for a replica that never ran, as a prom-client Histogram never observed exports none', async () => {
    const counters = new EngineCounters(SOURCES);
    counters.computeSeconds.series({ model: 'idle', backend: 'onnx' });
    counters.computeSeconds.series({ model: 'busy', backend: 'onnx' }).observe(0.002);
    const text = await counters.registry.metrics();
    expect(text).not.toContain('model="idle"');
    expect(text).toContain('inferox_compute_duration_seconds_count{model="busy",backend="onnx"} 1\n');
  });

  it('counts batch sizes and alone reasons per replica into the records stats() reads and the batch-size histogram', async () => {
    const counters = new EngineCounters(SOURCES);
    const a = counters.batchRecorder('m', 'onnx');
    const b = counters.batchRecorder('m', 'onnx');
    a.record(1, 'queue-empty');
    a.record(1, 'queue-empty');
    b.record(4, undefined);
    a.record(1, 'batching-off');
    expect(counters.snapshot().batches).toEqual({ sizes: { 1: 3, 4: 1 }, alone: { 'queue-empty': 2, 'batching-off': 1 } });
    const text = await counters.registry.metrics();
    expect(text).toContain('inferox_batch_size_bucket{le="1",model="m",backend="onnx"} 3\n');
    expect(text).toContain('inferox_batch_size_bucket{le="4",model="m",backend="onnx"} 4\n');
    expect(text).toContain('inferox_batch_size_sum{model="m",backend="onnx"} 7\n');
    expect(text).toContain('inferox_batch_alone_total{model="m",backend="onnx",reason="queue-empty"} 2\n');
  });
});

describe('EngineCounters export', () => {
  const sources = {
    replicas: () => [
      { model: 'm', version: 2, backend: 'onnx', queued: 3, running: 1, memoryBytes: 500 },
      { model: 'm', version: 2, backend: 'tfjs', queued: 0, running: 2, memoryBytes: 700 },
    ],
    heldBytes: () => 1200,
    budgetBytes: () => 4096,
  };

  it('names and describes every metric family exactly as the README documents them', async () => {
    const text = await new EngineCounters(sources).registry.metrics();
    const help = text.split('\n').filter((line) => line.startsWith('# HELP'));
    expect(help).toEqual([
      '# HELP inferox_requests_total Requests by model, backend and outcome (success or the error code).',
      '# HELP inferox_queue_duration_seconds Time requests waited in a queue.',
      '# HELP inferox_compute_duration_seconds Time requests spent running on a backend.',
      '# HELP inferox_batch_size Requests per executed batch.',
      '# HELP inferox_batch_alone_total Requests that ran alone, by reason (queue empty, shape mismatch, delay expired).',
      '# HELP inferox_fallbacks_total Requests moved to another replica, by the failing backend, the new one and the error code.',
      '# HELP inferox_evictions_total Models evicted to fit the memory budget.',
      '# HELP inferox_requests_in_flight Requests running, per replica.',
      '# HELP inferox_requests_queued Requests waiting in a queue, per replica.',
      '# HELP inferox_model_memory_bytes Memory charged, per replica (an estimate where the backend reports none).',
      '# HELP inferox_memory_held_bytes Memory held by every loaded replica.',
      '# HELP inferox_memory_budget_bytes The engine memory budget (absent when unlimited).',
    ]);
  });

  it('reads the gauges from the live sources at scrape time, per replica, and has no budget gauge without a budget', async () => {
    let held = 1200;
    const counters = new EngineCounters({ ...sources, heldBytes: () => held });
    const text = await counters.registry.metrics();
    expect(family(text, 'inferox_requests_in_flight{')).toEqual(['inferox_requests_in_flight{model="m",version="2",backend="onnx"} 1', 'inferox_requests_in_flight{model="m",version="2",backend="tfjs"} 2']);
    expect(family(text, 'inferox_requests_queued{')).toEqual(['inferox_requests_queued{model="m",version="2",backend="onnx"} 3', 'inferox_requests_queued{model="m",version="2",backend="tfjs"} 0']);
    expect(family(text, 'inferox_model_memory_bytes{')).toEqual(['inferox_model_memory_bytes{model="m",version="2",backend="onnx"} 500', 'inferox_model_memory_bytes{model="m",version="2",backend="tfjs"} 700']);
    expect(text).toContain('inferox_memory_held_bytes 1200\n');
    expect(text).toContain('inferox_memory_budget_bytes 4096\n');
    held = 5;
    expect(await counters.registry.metrics()).toContain('inferox_memory_held_bytes 5\n');
    const unlimited = await new EngineCounters(SOURCES).registry.metrics();
    expect(unlimited).not.toContain('inferox_memory_budget_bytes');
  });

  it('exports the request, fallback and eviction records as counters and sums them in snapshot()', async () => {
    const counters = new EngineCounters(SOURCES);
    counters.requests.add({ model: 'm', backend: 'onnx', outcome: 'success' }, 3);
    counters.requests.add({ model: 'm', backend: 'tfjs', outcome: 'success' });
    counters.requests.add({ model: 'm', backend: 'onnx', outcome: 'TIMEOUT' });
    counters.requests.add({ model: 'n', backend: 'onnx', outcome: 'TIMEOUT' });
    counters.requests.add({ model: 'n', backend: 'none', outcome: 'INVALID_INPUT' });
    counters.fallbacks.add({ model: 'm', from: 'onnx', to: 'tfjs', reason: 'BACKEND_ERROR' });
    counters.fallbacks.add({ model: 'm', from: 'onnx', to: 'tfjs', reason: 'BACKEND_ERROR' });
    counters.evictions.add({ model: 'm' });
    expect(counters.requests.sumBy('outcome', (labels) => labels.model === 'n')).toEqual({ TIMEOUT: 1, INVALID_INPUT: 1 });
    expect(counters.snapshot()).toEqual({
      requests: { succeeded: 4, failed: { TIMEOUT: 2, INVALID_INPUT: 1 }, fallbacks: 2 },
      evictions: 1,
      batches: { sizes: {}, alone: {} },
    });
    const text = await counters.registry.metrics();
    expect(family(text, 'inferox_requests_total{')).toEqual([
      'inferox_requests_total{model="m",backend="onnx",outcome="success"} 3',
      'inferox_requests_total{model="m",backend="tfjs",outcome="success"} 1',
      'inferox_requests_total{model="m",backend="onnx",outcome="TIMEOUT"} 1',
      'inferox_requests_total{model="n",backend="onnx",outcome="TIMEOUT"} 1',
      'inferox_requests_total{model="n",backend="none",outcome="INVALID_INPUT"} 1',
    ]);
    expect(family(text, 'inferox_fallbacks_total{')).toEqual(['inferox_fallbacks_total{model="m",from="onnx",to="tfjs",reason="BACKEND_ERROR"} 2']);
    expect(family(text, 'inferox_evictions_total{')).toEqual(['inferox_evictions_total{model="m"} 1']);
    // A second scrape reads the records again instead of adding them twice.
    expect(family(await counters.registry.metrics(), 'inferox_evictions_total{')).toEqual(['inferox_evictions_total{model="m"} 1']);
  });

  it('keeps one record per label set, made on first use and counted in place', () => {
    const counters = new EngineCounters(SOURCES);
    const a = counters.evictions.of({ model: 'm' });
    expect(counters.evictions.of({ model: 'm' })).toBe(a);
    expect(counters.evictions.of({ model: 'n' })).not.toBe(a);
    a.count += 2;
    expect([counters.evictions.total(), a.labels]).toEqual([2, { model: 'm' }]);
    const series = counters.queueSeconds.series({ model: 'm', backend: 'onnx' });
    expect(counters.queueSeconds.series({ model: 'm', backend: 'onnx' })).toBe(series);
    expect(counters.queueSeconds.series({ model: 'm', backend: 'tfjs' })).not.toBe(series);
  });

  it('keeps label sets apart whose values only concatenate alike', () => {
    const counters = new EngineCounters(SOURCES);
    counters.requests.add({ model: 'ab', backend: 'c', outcome: 'success' });
    counters.requests.add({ model: 'a', backend: 'bc', outcome: 'success' });
    expect(counters.requests.sumBy('model')).toEqual({ ab: 1, a: 1 });
    expect(counters.queueSeconds.series({ model: 'ab', backend: 'c' })).not.toBe(counters.queueSeconds.series({ model: 'a', backend: 'bc' }));
  });

  it('keeps one fallback, batch and alone record per label set, apart when any one label differs', () => {
    const counters = new EngineCounters(SOURCES);
    const fallback = { model: 'm', from: 'onnx', to: 'tfjs', reason: 'BACKEND_ERROR' };
    for (const changed of [{}, { model: 'n' }, { from: 'wasm' }, { to: 'wasm' }, { reason: 'TIMEOUT' }]) counters.fallbacks.add({ ...fallback, ...changed });
    expect([...counters.fallbacks.values()].map((r) => [r.labels, r.count])).toEqual([
      [fallback, 1],
      [{ ...fallback, model: 'n' }, 1],
      [{ ...fallback, from: 'wasm' }, 1],
      [{ ...fallback, to: 'wasm' }, 1],
      [{ ...fallback, reason: 'TIMEOUT' }, 1],
    ]);
    for (const [model, backend] of [['m', 'onnx'], ['n', 'onnx'], ['m', 'tfjs']] as const) {
      counters.batches.add({ model, backend, size: '2' });
      counters.alone.add({ model, backend, reason: 'queue-empty' });
    }
    expect([...counters.batches.values()].map((r) => [r.labels.model, r.labels.backend, r.count])).toEqual([
      ['m', 'onnx', 1],
      ['n', 'onnx', 1],
      ['m', 'tfjs', 1],
    ]);
    expect([...counters.alone.values()].map((r) => [r.labels.model, r.labels.backend, r.count])).toEqual([
      ['m', 'onnx', 1],
      ['n', 'onnx', 1],
      ['m', 'tfjs', 1],
    ]);
  });
});

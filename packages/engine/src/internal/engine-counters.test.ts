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

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueStats } from '../queue-stats';

/** The client's prom-client series; `collect` of the gauges reads Redis when scraped. */
export interface ClientMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'model' | 'outcome'>;
  readonly wait: Histogram<'model'>;
}

/** A registry of its own (nothing global), so a server's `/metrics` can merge it with `Registry.merge`. */
export function createClientMetrics(stats: () => Promise<QueueStats>): ClientMetrics {
  const registry = new Registry();
  let snapshot: Promise<QueueStats> | undefined;
  // Both gauges are collected in one scrape: read Redis once for them.
  const once = (): Promise<QueueStats> => {
    snapshot ??= stats().finally(() => setImmediate(() => (snapshot = undefined)));
    return snapshot;
  };
  new Gauge({
    name: 'inferox_queue_depth',
    help: 'Jobs per model queue and state (waiting, active, delayed, failed)',
    labelNames: ['model', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const d of (await once()).depth) {
        for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) this.set({ model: d.model, state }, d[state]);
      }
    },
  });
  new Gauge({
    name: 'inferox_queue_live_workers',
    help: 'Workers whose announcement has not expired',
    registers: [registry],
    async collect() {
      this.set((await once()).workers.length);
    },
  });
  const requests = new Counter({ name: 'inferox_queue_requests_total', help: 'Requests this client settled, by outcome (ok or error code)', labelNames: ['model', 'outcome'] as const, registers: [registry] });
  const wait = new Histogram({
    name: 'inferox_queue_wait_seconds',
    help: 'Time a job waited in Redis before a worker took it',
    labelNames: ['model'] as const,
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return { registry, requests, wait };
}

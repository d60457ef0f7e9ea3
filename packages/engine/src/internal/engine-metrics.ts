import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Live values the gauges read at scrape time. */
export interface MetricSources {
  /** One row per live replica. */
  replicas(): { model: string; version: number; backend: string; queued: number; running: number; memoryBytes: number }[];
  heldBytes(): number;
  budgetBytes(): number | null;
}

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The engine's prom-client metrics, in a registry of its own (never the global one). Names are documented in the
 * README.
 */
export class EngineMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'model' | 'backend' | 'outcome'>;
  readonly queueSeconds: Histogram<'model' | 'backend'>;
  readonly computeSeconds: Histogram<'model' | 'backend'>;
  readonly batchSize: Histogram<'model' | 'backend'>;
  readonly alone: Counter<'model' | 'backend' | 'reason'>;
  readonly fallbacks: Counter<'model' | 'from' | 'to' | 'reason'>;
  readonly evictions: Counter<'model'>;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'inferox_requests_total', help: 'Requests by model, backend and outcome (success or the error code).', labelNames: ['model', 'backend', 'outcome'], registers });
    this.queueSeconds = new Histogram({ name: 'inferox_queue_duration_seconds', help: 'Time requests waited in a queue.', labelNames: ['model', 'backend'], buckets: SECONDS, registers });
    this.computeSeconds = new Histogram({ name: 'inferox_compute_duration_seconds', help: 'Time requests spent running on a backend.', labelNames: ['model', 'backend'], buckets: SECONDS, registers });
    this.batchSize = new Histogram({ name: 'inferox_batch_size', help: 'Requests per executed batch.', labelNames: ['model', 'backend'], buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers });
    this.alone = new Counter({ name: 'inferox_batch_alone_total', help: 'Requests that ran alone, by reason (queue empty, shape mismatch, delay expired).', labelNames: ['model', 'backend', 'reason'], registers });
    this.fallbacks = new Counter({ name: 'inferox_fallbacks_total', help: 'Requests moved to another replica, by the failing backend, the new one and the error code.', labelNames: ['model', 'from', 'to', 'reason'], registers });
    this.evictions = new Counter({ name: 'inferox_evictions_total', help: 'Models evicted to fit the memory budget.', labelNames: ['model'], registers });
    const perReplica = (name: string, help: string, pick: (r: ReturnType<MetricSources['replicas']>[number]) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['model', 'version', 'backend'],
        registers,
        collect() {
          this.reset();
          for (const r of sources.replicas()) this.inc({ model: r.model, version: String(r.version), backend: r.backend }, pick(r));
        },
      });
    };
    perReplica('inferox_requests_in_flight', 'Requests running, per replica.', (r) => r.running);
    perReplica('inferox_requests_queued', 'Requests waiting in a queue, per replica.', (r) => r.queued);
    perReplica('inferox_model_memory_bytes', 'Estimated memory held, per replica.', (r) => r.memoryBytes);
    new Gauge({
      name: 'inferox_memory_held_bytes',
      help: 'Memory held by every loaded replica.',
      registers,
      collect() {
        this.set(sources.heldBytes());
      },
    });
    const budget = sources.budgetBytes();
    if (budget !== null) {
      new Gauge({ name: 'inferox_memory_budget_bytes', help: 'The engine memory budget (absent when unlimited).', registers }).set(budget);
    }
  }
}

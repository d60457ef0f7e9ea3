import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineStats } from '../engine-stats';

/** Live values the gauges read at scrape time. */
export interface GaugeSources {
  /** One row per installed replica. */
  replicas(): { model: string; version: number; backend: string; queued: number; running: number; memoryBytes: number }[];
  heldBytes(): number;
  budgetBytes(): number | null;
}

/** One counted series: its labels and its count. `count` is incremented in place on the hot path. */
export interface CountRecord<L extends string> {
  readonly labels: Readonly<Record<L, string>>;
  count: number;
}

/** Counts by label set; the single store both `stats()` and the Prometheus counters read. */
class Records<L extends string> {
  readonly #byKey = new Map<string, CountRecord<L>>();
  readonly #names: readonly L[];

  constructor(names: readonly L[]) {
    this.#names = names;
  }

  /** The record of `labels`, made on first use. */
  of(labels: Readonly<Record<L, string>>): CountRecord<L> {
    const key = this.#names.map((n) => labels[n]).join('\u0000');
    let record = this.#byKey.get(key);
    if (!record) {
      record = { labels: { ...labels }, count: 0 };
      this.#byKey.set(key, record);
    }
    return record;
  }

  add(labels: Readonly<Record<L, string>>, by = 1): void {
    this.of(labels).count += by;
  }

  /** Sums of counts grouped by one label. */
  sumBy(name: L, filter?: (labels: Readonly<Record<L, string>>) => boolean): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.#byKey.values()) if (!filter || filter(r.labels)) out[r.labels[name]] = (out[r.labels[name]] ?? 0) + r.count;
    return out;
  }

  total(): number {
    let n = 0;
    for (const r of this.#byKey.values()) n += r.count;
    return n;
  }

  values(): IterableIterator<CountRecord<L>> {
    return this.#byKey.values();
  }
}

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One labelled series of a {@link CollectedHistogram}: plain numbers, updated in place on the hot path. */
export class HistogramSeries<L extends string> {
  readonly labels: Readonly<Record<L, string>>;
  readonly #bounds: readonly number[];
  /** Observations per bucket, not cumulative (a value above the last bound is only in `count`, as in prom-client). */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(labels: Readonly<Record<L, string>>, bounds: readonly number[]) {
    this.labels = labels;
    this.#bounds = bounds;
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        this.counts[i]! += 1;
        break;
      }
    }
    this.sum += value;
    this.count += 1;
  }
}

/** What prom-client's Histogram keeps per label set (what its own `observe` writes and its export reads). */
interface PromHistogramEntry {
  labels: Record<string, string>;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * A prom-client histogram whose observations live in plain {@link HistogramSeries} (no label hashing or validation
 * per observation); its `collect()` hands them to prom-client at scrape time, so the exported text is prom-client's.
 */
class CollectedHistogram<L extends string> {
  readonly #series = new Map<string, HistogramSeries<L>>();
  readonly #names: readonly L[];
  readonly #bounds: readonly number[];

  constructor(registry: Registry, name: string, help: string, labelNames: readonly L[], bounds: readonly number[]) {
    this.#names = labelNames;
    this.#bounds = bounds;
    const series = this.#series;
    new Histogram<L>({
      name,
      help,
      labelNames: [...labelNames],
      buckets: [...bounds],
      registers: [registry],
      collect() {
        const entries: Record<string, PromHistogramEntry> = {};
        for (const [key, s] of series) {
          // A series is made when its replica is installed; like prom-client's own, it is exported once observed.
          if (s.count === 0) continue;
          const bucketValues: Record<number, number> = {};
          bounds.forEach((bound, i) => (bucketValues[bound] = s.counts[i]!));
          entries[key] = { labels: { ...s.labels }, bucketValues, sum: s.sum, count: s.count };
        }
        (this as unknown as { hashMap: Record<string, PromHistogramEntry> }).hashMap = entries;
      },
    });
  }

  /** The series of `labels`, made on first use (replicas with the same labels share it). */
  series(labels: Readonly<Record<L, string>>): HistogramSeries<L> {
    const key = this.#names.map((n) => labels[n]).join('\u0000');
    let series = this.#series.get(key);
    if (!series) {
      series = new HistogramSeries({ ...labels }, this.#bounds);
      this.#series.set(key, series);
    }
    return series;
  }
}

/** Counts the dispatched runs of one replica (its batch sizes and alone reasons), the records looked up once each. */
export class BatchRecorder {
  readonly #counters: EngineCounters;
  readonly #model: string;
  readonly #backend: string;
  readonly #sizes = new Map<number, CountRecord<'model' | 'backend' | 'size'>>();
  readonly #alone = new Map<string, CountRecord<'model' | 'backend' | 'reason'>>();
  readonly #histogram: HistogramSeries<'model' | 'backend'>;

  constructor(counters: EngineCounters, model: string, backend: string) {
    this.#counters = counters;
    this.#model = model;
    this.#backend = backend;
    this.#histogram = counters.batchSize.series({ model, backend });
  }

  /** Counts one dispatched run of `size` requests (and why it ran alone). */
  record(size: number, alone: string | undefined): void {
    this.#histogram.observe(size);
    let sized = this.#sizes.get(size);
    if (!sized) {
      sized = this.#counters.batches.of({ model: this.#model, backend: this.#backend, size: String(size) });
      this.#sizes.set(size, sized);
    }
    sized.count += 1;
    if (alone === undefined) return;
    let reason = this.#alone.get(alone);
    if (!reason) {
      reason = this.#counters.alone.of({ model: this.#model, backend: this.#backend, reason: alone });
      this.#alone.set(alone, reason);
    }
    reason.count += 1;
  }
}

/** A prom-client counter whose value is read from `records` at scrape time. */
function counterOver<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[], records: Records<L>): void {
  new Counter<L>({
    name,
    help,
    labelNames: [...labelNames],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of records.values()) this.inc(r.labels as Partial<Record<L, string>>, r.count);
    },
  });
}

/**
 * The engine's counts (requests by outcome, fallbacks, evictions, batch sizes and alone reasons), kept once and read
 * by both `stats()` and the engine's own prom-client registry (never the global one), plus the duration histograms
 * and the gauges read from live state at scrape time. Metric names are documented in the README.
 */
export class EngineCounters {
  readonly registry = new Registry();
  readonly requests = new Records<'model' | 'backend' | 'outcome'>(['model', 'backend', 'outcome']);
  readonly fallbacks = new Records<'model' | 'from' | 'to' | 'reason'>(['model', 'from', 'to', 'reason']);
  readonly evictions = new Records<'model'>(['model']);
  readonly batches = new Records<'model' | 'backend' | 'size'>(['model', 'backend', 'size']);
  readonly alone = new Records<'model' | 'backend' | 'reason'>(['model', 'backend', 'reason']);
  readonly queueSeconds: CollectedHistogram<'model' | 'backend'>;
  readonly computeSeconds: CollectedHistogram<'model' | 'backend'>;
  readonly batchSize: CollectedHistogram<'model' | 'backend'>;

  constructor(sources: GaugeSources) {
    const registers = [this.registry];
    counterOver(this.registry, 'inferox_requests_total', 'Requests by model, backend and outcome (success or the error code).', ['model', 'backend', 'outcome'], this.requests);
    const labels = ['model', 'backend'] as const;
    this.queueSeconds = new CollectedHistogram(this.registry, 'inferox_queue_duration_seconds', 'Time requests waited in a queue.', labels, SECONDS);
    this.computeSeconds = new CollectedHistogram(this.registry, 'inferox_compute_duration_seconds', 'Time requests spent running on a backend.', labels, SECONDS);
    this.batchSize = new CollectedHistogram(this.registry, 'inferox_batch_size', 'Requests per executed batch.', labels, [1, 2, 4, 8, 16, 32, 64, 128]);
    counterOver(this.registry, 'inferox_batch_alone_total', 'Requests that ran alone, by reason (queue empty, shape mismatch, delay expired).', ['model', 'backend', 'reason'], this.alone);
    counterOver(this.registry, 'inferox_fallbacks_total', 'Requests moved to another replica, by the failing backend, the new one and the error code.', ['model', 'from', 'to', 'reason'], this.fallbacks);
    counterOver(this.registry, 'inferox_evictions_total', 'Models evicted to fit the memory budget.', ['model'], this.evictions);
    const perReplica = (name: string, help: string, pick: (r: ReturnType<GaugeSources['replicas']>[number]) => number): void => {
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
    perReplica('inferox_model_memory_bytes', 'Memory charged, per replica (an estimate where the backend reports none).', (r) => r.memoryBytes);
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

  /** The counter of one replica's dispatched runs. */
  batchRecorder(model: string, backend: string): BatchRecorder {
    return new BatchRecorder(this, model, backend);
  }

  /** The request and batch part of `stats()`. */
  snapshot(): { requests: Pick<EngineStats['requests'], 'succeeded' | 'failed' | 'fallbacks'>; evictions: number; batches: EngineStats['batches'] } {
    const outcomes = this.requests.sumBy('outcome');
    const { success = 0, ...failed } = outcomes;
    return {
      requests: { succeeded: success, failed, fallbacks: this.fallbacks.total() },
      evictions: this.evictions.total(),
      batches: { sizes: this.batches.sumBy('size'), alone: this.alone.sumBy('reason') },
    };
  }
}

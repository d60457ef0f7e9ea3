/** One bucket of the dashboard's time series. */
export interface WindowPoint {
  /** Epoch ms at the bucket's start. */
  readonly t: number;
  readonly requests: number;
  readonly errors: number;
  readonly requestsPerSecond: number;
  /** Milliseconds; `null` when the bucket saw no request. */
  readonly p50: number | null;
  readonly p99: number | null;
}

interface Bucket {
  t: number;
  requests: number;
  errors: number;
  durations: number[];
}

const SAMPLES_PER_BUCKET = 2048;

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
}

/**
 * Requests per second and latency percentiles over the last minutes, in fixed buckets (no timer: buckets are
 * rolled when a request is recorded or a snapshot is taken). Each bucket keeps a bounded reservoir of durations.
 */
export class RequestWindow {
  readonly #buckets: Bucket[] = [];
  readonly #bucketMs: number;
  readonly #span: number;
  readonly #now: () => number;

  constructor(options: { bucketMs?: number; buckets?: number; now?: () => number } = {}) {
    this.#bucketMs = options.bucketMs ?? 5_000;
    this.#span = options.buckets ?? 60;
    this.#now = options.now ?? Date.now;
  }

  #current(): Bucket {
    const t = Math.floor(this.#now() / this.#bucketMs) * this.#bucketMs;
    const last = this.#buckets.at(-1);
    if (last?.t === t) return last;
    const bucket: Bucket = { t, requests: 0, errors: 0, durations: [] };
    this.#buckets.push(bucket);
    while (this.#buckets.length > 0 && this.#buckets[0]!.t <= t - this.#span * this.#bucketMs) this.#buckets.shift();
    return bucket;
  }

  /** Records one finished request. */
  record(durationMs: number, failed: boolean): void {
    const bucket = this.#current();
    bucket.requests += 1;
    if (failed) bucket.errors += 1;
    if (bucket.durations.length < SAMPLES_PER_BUCKET) bucket.durations.push(durationMs);
    else {
      const slot = Math.floor(Math.random() * bucket.requests);
      if (slot < SAMPLES_PER_BUCKET) bucket.durations[slot] = durationMs;
    }
  }

  /** The buckets, oldest first, plus p50/p99 and the rate over the last `recentMs`. */
  snapshot(recentMs = 60_000): { points: WindowPoint[]; recent: { requestsPerSecond: number; p50: number | null; p99: number | null; requests: number } } {
    const now = this.#now();
    this.#current();
    const points = this.#buckets.map((b) => {
      const sorted = [...b.durations].sort((x, y) => x - y);
      const elapsed = Math.max(1, Math.min(this.#bucketMs, now - b.t));
      return { t: b.t, requests: b.requests, errors: b.errors, requestsPerSecond: (b.requests * 1000) / elapsed, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
    });
    const recent = this.#buckets.filter((b) => b.t > now - recentMs - this.#bucketMs);
    const sorted = recent.flatMap((b) => b.durations).sort((x, y) => x - y);
    const requests = recent.reduce((sum, b) => sum + b.requests, 0);
    const spanMs = Math.max(1, now - (recent[0]?.t ?? now));
    return { points, recent: { requestsPerSecond: (requests * 1000) / spanMs, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), requests } };
  }
}

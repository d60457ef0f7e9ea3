/** A count and its total duration in nanoseconds (the v2 statistics extension's `StatisticDuration`). */
export interface StatDuration {
  count: number;
  ns: number;
}

/** The v2 statistics extension's per-model-version entry. */
export interface ModelStat {
  readonly name: string;
  readonly version: string;
  last_inference: number;
  inference_count: number;
  execution_count: number;
  readonly inference_stats: {
    readonly success: StatDuration;
    readonly fail: StatDuration;
    readonly queue: StatDuration;
    readonly compute_input: StatDuration;
    readonly compute_infer: StatDuration;
    readonly compute_output: StatDuration;
  };
  readonly batch_stats: { batch_size: number; compute_input: StatDuration; compute_infer: StatDuration; compute_output: StatDuration }[];
}

const zero = (): StatDuration => ({ count: 0, ns: 0 });
const ns = (ms: number): number => Math.round(ms * 1e6);

/** Per model version counters for `GET /v2/models/.../stats`, kept by the server around every inference. */
export class ModelStatistics {
  readonly #stats = new Map<string, ModelStat>();

  #entry(name: string, version: string): ModelStat {
    const key = `${name}\u0000${version}`;
    let stat = this.#stats.get(key);
    if (!stat) {
      stat = {
        name,
        version,
        last_inference: 0,
        inference_count: 0,
        execution_count: 0,
        inference_stats: { success: zero(), fail: zero(), queue: zero(), compute_input: zero(), compute_infer: zero(), compute_output: zero() },
        batch_stats: [],
      };
      this.#stats.set(key, stat);
    }
    return stat;
  }

  /** Records a successful inference of `batchSize` rows (1 for a tensor request) with its timings. */
  success(name: string, version: string, totalMs: number, timings: { queueMs: number; computeMs: number; inputMs?: number; outputMs?: number } | undefined, batchSize = 1): void {
    const stat = this.#entry(name, version);
    stat.last_inference = Date.now();
    stat.inference_count += batchSize;
    stat.execution_count += 1;
    const s = stat.inference_stats;
    s.success.count += 1;
    s.success.ns += ns(totalMs);
    if (timings) {
      s.queue.count += 1;
      s.queue.ns += ns(timings.queueMs);
      s.compute_infer.count += 1;
      s.compute_infer.ns += ns(timings.computeMs);
      s.compute_input.count += 1;
      s.compute_input.ns += ns(timings.inputMs ?? 0);
      s.compute_output.count += 1;
      s.compute_output.ns += ns(timings.outputMs ?? 0);
      let batch = stat.batch_stats.find((b) => b.batch_size === batchSize);
      if (!batch) {
        batch = { batch_size: batchSize, compute_input: zero(), compute_infer: zero(), compute_output: zero() };
        stat.batch_stats.push(batch);
        stat.batch_stats.sort((a, b) => a.batch_size - b.batch_size);
      }
      batch.compute_infer.count += 1;
      batch.compute_infer.ns += ns(timings.computeMs);
      batch.compute_input.count += 1;
      batch.compute_input.ns += ns(timings.inputMs ?? 0);
      batch.compute_output.count += 1;
      batch.compute_output.ns += ns(timings.outputMs ?? 0);
    }
  }

  /** Records a failed inference. */
  failure(name: string, version: string, totalMs: number): void {
    const s = this.#entry(name, version).inference_stats;
    s.fail.count += 1;
    s.fail.ns += ns(totalMs);
  }

  /** The entry of one model version, zeroed when it never ran. */
  get(name: string, version: string): ModelStat {
    return this.#entry(name, version);
  }
}

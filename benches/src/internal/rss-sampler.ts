/** RSS figures of a sampled stretch, in bytes. */
export interface RssReport {
  readonly baseline: number;
  readonly peak: number;
  /** `peak - baseline`. */
  readonly growth: number;
  readonly samples: number;
}

/** A running sampler; `stop()` clears its interval (idempotent) and reports. */
export interface RssSampler {
  stop(): RssReport;
}

/**
 * Samples `process.memoryUsage.rss()` every `intervalMs` (and once at start and stop) and keeps the peak.
 *
 * @param read - the RSS reader (the process's by default).
 */
export function startRssSampler(intervalMs = 5, read: () => number = () => process.memoryUsage.rss()): RssSampler {
  const baseline = read();
  let peak = baseline;
  let samples = 1;
  const sample = (): void => {
    const rss = read();
    samples++;
    if (rss > peak) peak = rss;
  };
  let timer: NodeJS.Timeout | undefined = setInterval(sample, intervalMs);
  let report: RssReport | undefined;
  return {
    stop(): RssReport {
      if (!report) {
        clearInterval(timer);
        timer = undefined;
        sample();
        report = { baseline, peak, growth: peak - baseline, samples };
      }
      return report;
    },
  };
}

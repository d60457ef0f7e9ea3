/** How a burst of requests ended. */
export interface BurstOutcome {
  readonly sent: number;
  readonly fulfilled: number;
  readonly rejected: number;
  /** Requests that neither fulfilled nor rejected before the deadline. */
  readonly lost: number;
  /** Latency of each settled request (ms from the burst's start to its settling). */
  readonly latencies: number[];
  readonly wallMs: number;
  /** Rejection messages by count. */
  readonly errors: Readonly<Record<string, number>>;
}

/**
 * Starts `count` requests at once (none awaited before all are sent), waits until every one settles or `deadlineMs`
 * passes, and counts what happened to each. The deadline timer is cleared when all settle.
 */
export async function settleAll(count: number, request: (index: number) => Promise<unknown>, deadlineMs: number): Promise<BurstOutcome> {
  let fulfilled = 0;
  let rejected = 0;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const t0 = performance.now();
  const settled = Array.from({ length: count }, (_, i) => {
    let started: Promise<unknown>;
    try {
      started = request(i);
    } catch (error) {
      started = Promise.reject(error);
    }
    return started.then(
      () => {
        fulfilled++;
        latencies.push(performance.now() - t0);
      },
      (error: unknown) => {
        rejected++;
        latencies.push(performance.now() - t0);
        const key = (error as Error)?.message?.slice(0, 120) ?? String(error);
        errors[key] = (errors[key] ?? 0) + 1;
      },
    );
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, deadlineMs);
  });
  await Promise.race([Promise.all(settled), deadline]);
  clearTimeout(timer);
  const wallMs = performance.now() - t0;
  return { sent: count, fulfilled, rejected, lost: count - fulfilled - rejected, latencies, wallMs, errors };
}

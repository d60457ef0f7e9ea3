/** What a closed-loop run measured. */
export interface ClosedLoopResult {
  /** Per-request latencies in milliseconds, in completion order. */
  readonly latencies: number[];
  readonly wallMs: number;
  /** Completed requests per second over the wall time. */
  readonly rps: number;
  /** Requests that threw (their latency is not recorded). */
  readonly failures: number;
  /** The first failure, to report. */
  readonly firstError?: unknown;
}

/**
 * Runs `clients` concurrent clients, each sending `requestsPerClient` requests one after the other (a closed loop:
 * a client sends its next request when the previous one answers), and records each request's latency.
 */
export async function closedLoop(request: () => Promise<unknown>, options: { readonly clients: number; readonly requestsPerClient: number }): Promise<ClosedLoopResult> {
  if (!(Number.isInteger(options.clients) && options.clients > 0)) throw new Error(`clients must be a positive integer, got ${options.clients}`);
  if (!(Number.isInteger(options.requestsPerClient) && options.requestsPerClient > 0)) {
    throw new Error(`requestsPerClient must be a positive integer, got ${options.requestsPerClient}`);
  }
  const latencies: number[] = [];
  let failures = 0;
  let firstError: unknown;
  const client = async (): Promise<void> => {
    for (let i = 0; i < options.requestsPerClient; i++) {
      const t0 = performance.now();
      try {
        await request();
        latencies.push(performance.now() - t0);
      } catch (error) {
        failures++;
        firstError ??= error;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: options.clients }, client));
  const wallMs = performance.now() - t0;
  return { latencies, wallMs, rps: (latencies.length * 1000) / wallMs, failures, ...(failures > 0 ? { firstError } : {}) };
}

/**
 * Like {@link closedLoop}, but each client keeps sending until `durationMs` has passed since the start (a request
 * sent before then is awaited and counted): runs of setups with very different speeds take the same time.
 * `now` is the clock (milliseconds), `performance.now` by default.
 */
export async function closedLoopFor(
  request: () => Promise<unknown>,
  options: { readonly clients: number; readonly durationMs: number; readonly now?: () => number },
): Promise<ClosedLoopResult> {
  if (!(Number.isInteger(options.clients) && options.clients > 0)) throw new Error(`clients must be a positive integer, got ${options.clients}`);
  if (!(options.durationMs > 0)) throw new Error(`durationMs must be positive, got ${options.durationMs}`);
  const now = options.now ?? (() => performance.now());
  const latencies: number[] = [];
  let failures = 0;
  let firstError: unknown;
  const t0 = now();
  const end = t0 + options.durationMs;
  const client = async (): Promise<void> => {
    while (now() < end) {
      const start = now();
      try {
        await request();
        latencies.push(now() - start);
      } catch (error) {
        failures++;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  const wallMs = now() - t0;
  return { latencies, wallMs, rps: (latencies.length * 1000) / wallMs, failures, ...(failures > 0 ? { firstError } : {}) };
}

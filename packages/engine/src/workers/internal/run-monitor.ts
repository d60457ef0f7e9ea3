/** Where a run learns it should stop, read only when needed (the scheduler's run context makes its signal then). */
export interface StopSource {
  readonly signal: AbortSignal;
}

/** How often the runs' stop sources are looked at, once a run has been in flight that long. */
export const STOP_POLL_MS = 20;

/** What the monitor needs of a run in flight. */
export interface MonitoredRun {
  /** When the run was sent (`performance.now()`). */
  readonly sentAt: number;
  /** A stop source to look at every {@link STOP_POLL_MS}; absent: nothing to poll. */
  readonly stop: StopSource | undefined;
  /** Set once the stop was seen aborted (the cancellation was forwarded). */
  stopped: boolean;
  /** The run's hang limit, counted from `startedAt`. */
  readonly timeoutMs: number | undefined;
  /** When the worker took the run (`performance.now()`); absent until then. */
  startedAt: number | undefined;
}

/** What the monitor reports. */
export interface RunMonitorEvents {
  /** The stop of run `id` was seen aborted. */
  readonly stopped: (id: number, signal: AbortSignal) => void;
  /** Run `id` passed its `timeoutMs` since it started (only the earliest such run is reported per check). */
  readonly hung: (id: number, timeoutMs: number) => void;
}

/**
 * One timer per worker watching its runs in flight, instead of a timer and an abort listener per run (together about
 * as much main-thread time per run as the rest of the hand-off on a small model). It fires at the earliest of: the
 * first hang deadline, and {@link STOP_POLL_MS} for runs with a stop source; a run whose stop aborts is seen within
 * that time. The timer is unref'd (the worker thread keeps the process alive while it runs) and cleared by `dispose`.
 */
export class RunMonitor {
  readonly #runs: ReadonlyMap<number, MonitoredRun>;
  readonly #events: RunMonitorEvents;
  #timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (`performance.now()`); Infinity when unarmed. */
  #at = Number.POSITIVE_INFINITY;

  constructor(runs: ReadonlyMap<number, MonitoredRun>, events: RunMonitorEvents) {
    this.#runs = runs;
    this.#events = events;
  }

  /** `run` is in flight (sent, or just started): make sure the timer fires by the time it needs looking at. */
  watch(run: MonitoredRun): void {
    const due = this.#dueOf(run);
    if (due < this.#at) this.#arm(due);
  }

  /** Clears the timer. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = Number.POSITIVE_INFINITY;
  }

  #dueOf(run: MonitoredRun): number {
    const deadline = run.timeoutMs !== undefined && run.startedAt !== undefined ? run.startedAt + run.timeoutMs : Number.POSITIVE_INFINITY;
    const poll = run.stop && !run.stopped ? run.sentAt + STOP_POLL_MS : Number.POSITIVE_INFINITY;
    return Math.min(deadline, poll);
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#at = at;
    this.#timer = setTimeout(() => this.#check(), Math.max(1, Math.ceil(at - performance.now())));
    this.#timer.unref();
  }

  #check(): void {
    this.#timer = undefined;
    this.#at = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let hung: [number, MonitoredRun] | undefined;
    for (const entry of this.#runs) {
      const run = entry[1];
      if (run.stop && !run.stopped && now - run.sentAt >= STOP_POLL_MS && run.stop.signal.aborted) {
        run.stopped = true;
        this.#events.stopped(entry[0], run.stop.signal);
      }
      if (run.timeoutMs !== undefined && run.startedAt !== undefined && now >= run.startedAt + run.timeoutMs) {
        if (!hung || run.startedAt + run.timeoutMs < hung[1].startedAt! + hung[1].timeoutMs!) hung = entry;
      }
    }
    if (hung) {
      this.#events.hung(hung[0], hung[1].timeoutMs!);
      return;
    }
    let next = Number.POSITIVE_INFINITY;
    for (const run of this.#runs.values()) {
      const due = this.#dueOf(run);
      next = Math.min(next, due <= now ? now + STOP_POLL_MS : due);
    }
    if (next < Number.POSITIVE_INFINITY) this.#arm(next);
  }
}

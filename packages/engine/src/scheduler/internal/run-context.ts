import type { ExecutorContext } from '../executor';

/**
 * The context of one run. Its AbortController is made only when the executor reads `signal` (making one costs
 * microseconds per run, which matters for tiny models).
 */
export class RunContext implements ExecutorContext {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  /** @param ownsFeeds - whether the scheduler built the run's feeds (a batch), so the executor may consume them. */
  constructor(readonly ownsFeeds: boolean) {}

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

import type { Timer } from './scheduler-entry';

/**
 * The one timer a batching scheduler keeps while its head request waits for its batch to fill: armed for an instant,
 * re-armed only when the instant changes, cleared when the wait ends another way.
 */
export class BatchTimer {
  #armed: { at: number; handle: Timer } | undefined;
  readonly #fire: () => void;

  /** @param fire - called when an armed instant is reached (the scheduler dispatches again). */
  constructor(fire: () => void) {
    this.#fire = fire;
  }

  /** Fires at epoch-ms `at` (at once when past); a timer already armed for `at` is kept. */
  arm(at: number): void {
    if (this.#armed?.at === at) return;
    this.clear();
    const handle = setTimeout(() => {
      this.#armed = undefined;
      this.#fire();
    }, Math.max(0, at - Date.now()));
    this.#armed = { at, handle };
  }

  clear(): void {
    if (this.#armed) clearTimeout(this.#armed.handle);
    this.#armed = undefined;
  }
}

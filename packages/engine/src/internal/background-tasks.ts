/** Work the engine started and does not await at once (retirements, loads), so close can wait for it (bounded). */
export class BackgroundTasks {
  readonly #settled = new Set<Promise<void>>();

  /** Tracks `promise` until it settles; returns it unchanged. */
  track<T>(promise: Promise<T>): Promise<T> {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.#settled.add(settled);
    void settled.then(() => this.#settled.delete(settled));
    return promise;
  }

  get size(): number {
    return this.#settled.size;
  }

  /** Resolves once every task tracked now has settled. */
  all(): Promise<void> {
    return Promise.all([...this.#settled]).then(() => undefined);
  }
}

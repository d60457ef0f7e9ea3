import { PRIORITIES } from '../priority';

/** What the queue needs of an entry: its priority rank (0 = critical). */
export interface Ranked {
  readonly rank: number;
}

/**
 * One FIFO per priority (insertion-ordered sets: O(1) removal from the middle on cancel or expiry). Iteration runs
 * in service order: by priority, then arrival.
 */
export class RequestQueue<T extends Ranked> implements Iterable<T> {
  readonly #levels: Set<T>[] = PRIORITIES.map(() => new Set<T>());
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(entry: T): void {
    this.#levels[entry.rank]!.add(entry);
    this.#size++;
  }

  /** @returns whether the entry was queued. */
  delete(entry: T): boolean {
    const removed = this.#levels[entry.rank]!.delete(entry);
    if (removed) this.#size--;
    return removed;
  }

  /** The first entry in service order that satisfies `predicate`. */
  find(predicate: (entry: T) => boolean): T | undefined {
    for (const entry of this) if (predicate(entry)) return entry;
    return undefined;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const level of this.#levels) yield* level;
  }
}

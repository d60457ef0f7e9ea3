import { PRIORITIES } from '../priority';

/** What the queue needs of an entry: its priority rank (0 = critical). */
export interface Ranked {
  readonly rank: number;
}

/** An entry's place in a {@link RequestQueue}; kept by the caller to remove the entry in O(1). */
export interface QueueNode<T> {
  readonly value: T;
  prev: QueueNode<T> | undefined;
  next: QueueNode<T> | undefined;
  queued: boolean;
}

/**
 * One FIFO per priority, as doubly linked lists: O(1) add, O(1) removal from the middle (cancel, expiry) and no
 * tombstones to skip when scanning from the head. Scans run in service order: by priority, then arrival.
 */
export class RequestQueue<T extends Ranked> {
  readonly #heads: (QueueNode<T> | undefined)[] = PRIORITIES.map(() => undefined);
  readonly #tails: (QueueNode<T> | undefined)[] = PRIORITIES.map(() => undefined);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(value: T): QueueNode<T> {
    const node: QueueNode<T> = { value, prev: this.#tails[value.rank], next: undefined, queued: true };
    if (node.prev) node.prev.next = node;
    else this.#heads[value.rank] = node;
    this.#tails[value.rank] = node;
    this.#size++;
    return node;
  }

  /** @returns whether the node was queued. */
  delete(node: QueueNode<T>): boolean {
    if (!node.queued) return false;
    const { rank } = node.value;
    if (node.prev) node.prev.next = node.next;
    else this.#heads[rank] = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.#tails[rank] = node.prev;
    node.prev = node.next = undefined;
    node.queued = false;
    this.#size--;
    return true;
  }

  /** The first node in service order. */
  first(): QueueNode<T> | undefined {
    for (const head of this.#heads) if (head) return head;
    return undefined;
  }

  /** The node after `node` in service order (the next priority's head after a priority's tail); `node` must be queued. */
  after(node: QueueNode<T>): QueueNode<T> | undefined {
    if (node.next) return node.next;
    for (let rank = node.value.rank + 1; rank < this.#heads.length; rank++) {
      const head = this.#heads[rank];
      if (head) return head;
    }
    return undefined;
  }

  /** The first value in service order that satisfies `predicate`. */
  find(predicate: (value: T) => boolean): T | undefined {
    for (const head of this.#heads) {
      for (let node = head; node; node = node.next) if (predicate(node.value)) return node.value;
    }
    return undefined;
  }

  /** Calls `visit` on each value in service order until it returns false. */
  scan(visit: (value: T) => boolean): void {
    for (const head of this.#heads) {
      for (let node = head; node; node = node.next) if (!visit(node.value)) return;
    }
  }

  /** Every value, in service order. */
  toArray(): T[] {
    const values: T[] = [];
    this.scan((value) => {
      values.push(value);
      return true;
    });
    return values;
  }
}

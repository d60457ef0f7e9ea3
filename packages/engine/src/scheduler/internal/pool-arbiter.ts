import { ErrorCode, InferoxError } from '@inferox/core';
import type { AdmissionPool } from '../admission-pool';
import type { Candidate, PoolClient } from './pool-client';

/** The implementation of {@link AdmissionPool}: the parking lot arbitrating between every scheduler sharing it. */
export class PoolArbiter implements AdmissionPool {
  readonly capacity: number;
  #used = 0;
  #seq = 0;
  #dispatching = false;
  #again = false;
  readonly #clients = new Set<PoolClient>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get used(): number {
    return this.#used;
  }

  get free(): number {
    return this.capacity - this.#used;
  }

  /** A sequence number shared by every client, so FIFO holds across schedulers. */
  nextSeq(): number {
    return this.#seq++;
  }

  attach(client: PoolClient): void {
    this.#clients.add(client);
  }

  detach(client: PoolClient): void {
    this.#clients.delete(client);
  }

  /** Takes `cost` units; only called by a client's `start`, which proposed a request that fits. */
  reserve(cost: number): void {
    if (cost > this.free) {
      throw new InferoxError(ErrorCode.INTERNAL, `admission pool over-committed: reserving ${cost} with ${this.free} of ${this.capacity} free`);
    }
    this.#used += cost;
  }

  /** Gives back `cost` units and starts whatever now fits. */
  release(cost: number): void {
    this.#used = Math.max(0, this.#used - cost);
    this.dispatch();
  }

  /**
   * Starts, one at a time, the best candidate over every client (lowest priority rank, then lowest sequence number)
   * until no client proposes one. Re-entrant calls are folded into the running loop.
   */
  dispatch(): void {
    if (this.#dispatching) {
      this.#again = true;
      return;
    }
    this.#dispatching = true;
    try {
      do {
        this.#again = false;
        for (;;) {
          let best: { client: PoolClient; candidate: Candidate } | undefined;
          for (const client of this.#clients) {
            const candidate = client.candidate(this.free);
            if (candidate && (!best || candidate.rank < best.candidate.rank || (candidate.rank === best.candidate.rank && candidate.seq < best.candidate.seq))) {
              best = { client, candidate };
            }
          }
          if (!best) break;
          best.client.start();
        }
      } while (this.#again);
    } finally {
      this.#dispatching = false;
    }
  }
}

/**
 * The arbiter behind a pool made by {@link createAdmissionPool}.
 *
 * @throws InferoxError `INVALID_INPUT` for an object that createAdmissionPool did not make.
 */
export function arbiterOf(pool: AdmissionPool): PoolArbiter {
  if (!(pool instanceof PoolArbiter)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, 'pool must come from createAdmissionPool()');
  }
  return pool;
}

import { ErrorCode, InferoxError } from '@inferox/core';
import type { AdmissionPool } from '../admission-pool-contract';
import { describeValue } from './describe-value';
import type { Candidate, PoolClient } from './pool-client';

/** The implementation of {@link AdmissionPool}: the parking lot arbitrating between every scheduler sharing it. */
export class PoolArbiter implements AdmissionPool {
  readonly capacity: number;
  #used = 0;
  /** Costs held by running requests, by reservation id, in reservation order. */
  readonly #held = new Map<number, number>();
  #nextReservation = 0;
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
    // Without a limit, huge costs may sum to Infinity, and Infinity - Infinity would leave nothing free.
    return this.capacity === Number.POSITIVE_INFINITY ? this.capacity : this.capacity - this.#used;
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

  /**
   * Whether `client` may start a request of `cost` without a pass over the clients: it is the only client, no pass is
   * under way (its loop would serve first what it has planned), and `cost` fits.
   */
  idleFor(client: PoolClient, cost: number): boolean {
    return !this.#dispatching && this.#clients.size === 1 && this.#clients.has(client) && cost <= this.free;
  }

  /**
   * Takes `cost` units; only called by a client's `start`, which proposed a request that fits.
   *
   * @returns the reservation, to give back with {@link PoolArbiter.release}.
   */
  reserve(cost: number): number {
    if (cost > this.free) {
      throw new InferoxError(ErrorCode.INTERNAL, `admission pool over-committed: reserving ${cost} with ${this.free} of ${this.capacity} free`);
    }
    const reservation = this.#nextReservation++;
    this.#held.set(reservation, cost);
    this.#used += cost;
    return reservation;
  }

  /** Gives back a reservation's units and starts whatever now fits. */
  release(reservation: number): void {
    this.#held.delete(reservation);
    // Subtracting fractional costs leaves rounding residue (0.1 + 0.3 - 0.1 - 0.3 is not 0) that would keep a request
    // costing the whole capacity parked forever. Re-summing what is still held, in reservation order, makes `used`
    // a function of the running set alone: exactly 0 when nothing runs, never drifting with history.
    let used = 0;
    for (const cost of this.#held.values()) used += cost;
    this.#used = used;
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
    throw new InferoxError(ErrorCode.INVALID_INPUT, `pool must come from createAdmissionPool(), got ${describeValue(pool)}`);
  }
  return pool;
}

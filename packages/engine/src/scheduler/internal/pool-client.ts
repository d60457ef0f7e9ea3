/** A request a client could start now: its priority rank and its arrival sequence number (lower goes first). */
export interface Candidate {
  readonly rank: number;
  readonly seq: number;
}

/** A scheduler as seen by the admission pool that arbitrates between every scheduler sharing it. */
export interface PoolClient {
  /**
   * The best request this client could start now within `free` units (it has a free executor slot and the request
   * is ready), or undefined. The client remembers what it proposed for {@link PoolClient.start}.
   */
  candidate(free: number): Candidate | undefined;
  /** Starts what the last `candidate` call proposed, reserving its cost from the pool synchronously. */
  start(): void;
}

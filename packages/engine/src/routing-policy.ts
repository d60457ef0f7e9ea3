/** What a routing policy sees of one replica. */
export interface ReplicaView {
  /** The replica's backend name (`onnx`, `tfjs`). */
  readonly backend: string;
  /** Requests waiting in its queue. */
  readonly queued: number;
  /** Requests it is running. */
  readonly running: number;
  /** The backend's rank in the engine's priority order (0 is the most preferred). */
  readonly priority: number;
}

/** What a routing policy sees of the request. */
export interface RoutingRequest {
  readonly model: string;
  readonly version: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Picks the replica for a request that names no backend, from the usable replicas of the model (never empty).
 *
 * @returns the chosen replica's backend name; a name not among `replicas` falls back to the engine's default.
 */
export type RoutingPolicy = (replicas: readonly ReplicaView[], request: RoutingRequest) => string;

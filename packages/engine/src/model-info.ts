import type { ModelSignature } from '@inferox/core';

/** Where a model version is in its life. */
export type ModelState = 'lazy' | 'loading' | 'ready' | 'evicted';

/**
 * Memory charged against the budget, and whether the figure is the backend's own or an estimate. A backend that
 * reports nothing (`handle.memoryBytes` 0) is charged the size of the weights it loaded times 1.2: then `estimated`
 * is true and `basis` says so (`'weights size × 1.2'`).
 */
export interface MemoryFigure {
  readonly bytes: number;
  /** True when the backend reported no figure (for every instance, or for some of them). */
  readonly estimated: boolean;
  /** What an estimate rests on; absent when the backend reported the figure. */
  readonly basis?: string;
}

/** One replica of a loaded model. */
export interface ReplicaInfo {
  readonly backend: string;
  readonly device: string;
  /** `memory.bytes`. */
  readonly memoryBytes: number;
  readonly memory: MemoryFigure;
  readonly instances: { readonly count: number; readonly mode: 'inline' | 'worker' };
  readonly queued: number;
  readonly running: number;
  /**
   * Set when this replica could not load because its backend failed to initialise: the cause. Such a replica takes
   * no requests; requests asking for its backend fall back to the others (`BACKEND_UNAVAILABLE`).
   */
  readonly unavailable?: string;
}

/** A snapshot of one model version. */
export interface ModelInfo {
  readonly name: string;
  readonly version: number;
  /** Every version of this name, ascending. */
  readonly versions: readonly number[];
  readonly state: ModelState;
  /** `null` until the model is loaded (lazy or evicted). */
  readonly signature: ModelSignature | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly replicas: readonly ReplicaInfo[];
  /** Sum over replicas (`memory.bytes`). */
  readonly memoryBytes: number;
  /** The sum over replicas, estimated when any replica's figure is. */
  readonly memory: MemoryFigure;
  /** Epoch ms of the last request (or the load). */
  readonly lastUsedAt: number;
}

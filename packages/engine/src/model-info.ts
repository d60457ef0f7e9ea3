import type { ModelSignature } from '@inferox/core';

/** Where a model version is in its life. */
export type ModelState = 'lazy' | 'loading' | 'ready' | 'evicted';

/** One replica of a loaded model. */
export interface ReplicaInfo {
  readonly backend: string;
  readonly device: string;
  readonly memoryBytes: number;
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
  /** Sum over replicas. */
  readonly memoryBytes: number;
  /** Epoch ms of the last request (or the load). */
  readonly lastUsedAt: number;
}

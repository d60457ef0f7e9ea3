import type { ModelInfo } from './model-info';

/** What the engine knows of one backend. */
export interface BackendStatus {
  readonly name: string;
  /** `unknown` until first used. */
  readonly state: 'unknown' | 'initialising' | 'available' | 'unavailable';
  readonly runtime?: string;
  /** Why it is unavailable. */
  readonly cause?: string;
}

/** A snapshot from `engine.stats()`. */
export interface EngineStats {
  readonly closed: boolean;
  readonly models: readonly ModelInfo[];
  readonly backends: readonly BackendStatus[];
  readonly memory: { readonly budgetBytes: number | null; readonly heldBytes: number };
  readonly requests: {
    readonly succeeded: number;
    /** Failures by error code. */
    readonly failed: Readonly<Record<string, number>>;
    readonly fallbacks: number;
    readonly inFlight: number;
    readonly queued: number;
  };
  readonly evictions: number;
  /** Batch sizes seen (size → count) and why requests ran alone (reason → count). */
  readonly batches: { readonly sizes: Readonly<Record<string, number>>; readonly alone: Readonly<Record<string, number>> };
}

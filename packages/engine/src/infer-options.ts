import type { SignalOptions } from '@inferox/core';
import type { Priority } from './scheduler';


/** Options of `engine.infer`, `inferBatch` and `inferStream`. */
export interface InferOptions extends SignalOptions {
  /** Run on this backend's replica (`'auto'`: let the routing policy pick). Falls back when it is unavailable. */
  readonly backend?: string;
  /** @defaultValue `'normal'` */
  readonly priority?: Priority;
  /** Covers queue and compute; `TIMEOUT` when it elapses. @defaultValue the engine's `defaultTimeoutMs` */
  readonly timeoutMs?: number;
  /** Epoch milliseconds; `DEADLINE_EXCEEDED` when it passes first. */
  readonly deadline?: number;
  /** Free-form request facts for routing policies; `metadata.backend` routes like `backend`. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Admission units (e.g. bytes) taken from the engine's admission pool while the request runs. @defaultValue 1 */
  readonly cost?: number;
}

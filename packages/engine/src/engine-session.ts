import type { TensorMap } from '@inferox/core';
import type { InferOptions } from './infer-options';
import type { InferResult } from './infer-result';
import type { SessionKey } from './session-key';

/**
 * A conversation with one model: requests that share defaults, and typed state that no other session sees.
 */
export interface EngineSession {
  /** Unique within the engine. */
  readonly id: string;
  /** The model (optionally `name@version`) every request of this session goes to. */
  readonly model: string;
  /**
   * Stores `value` under `key`.
   *
   * @throws InferoxError `INVALID_INPUT` naming the key when `value` fails the key's guard.
   */
  set<T>(key: SessionKey<T>, value: T): void;
  /**
   * The value under `key`, or `undefined` when none was set.
   *
   * @throws InferoxError `INVALID_INPUT` naming the key when the stored value is not a `T` (set through another key
   * of the same name).
   */
  get<T>(key: SessionKey<T>): T | undefined;
  has(key: SessionKey<unknown>): boolean;
  delete(key: SessionKey<unknown>): boolean;
  /** Forgets every value. */
  clear(): void;
  /** `engine.infer(model, feeds, { ...defaults, ...options })`. */
  infer(feeds: TensorMap, options?: InferOptions): Promise<InferResult>;
}

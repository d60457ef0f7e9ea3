import { ErrorCode, InferoxError, type TensorMap } from '@inferox/core';
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

type Infer = (name: string, feeds: TensorMap, options?: InferOptions) => Promise<InferResult>;

function wrongType(key: SessionKey<unknown>, value: unknown, id: string): InferoxError {
  const given = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return new InferoxError(ErrorCode.INVALID_INPUT, `session ${id}: value of key ${JSON.stringify(key.name)} is not of the key's type (got ${given})`, {
    details: { key: key.name, given },
  });
}

/** @internal Builds a session over the engine's `infer`. */
export function createEngineSession(id: string, model: string, infer: Infer, defaults: InferOptions = {}): EngineSession {
  const state = new Map<string, unknown>();
  return {
    id,
    model,
    set(key, value) {
      if (!key.guard(value)) throw wrongType(key, value, id);
      state.set(key.name, value);
    },
    get<T>(key: SessionKey<T>): T | undefined {
      if (!state.has(key.name)) return undefined;
      const value = state.get(key.name);
      if (!key.guard(value)) throw wrongType(key, value, id);
      return value;
    },
    has: (key) => state.has(key.name),
    delete: (key) => state.delete(key.name),
    clear: () => state.clear(),
    infer: (feeds, options) => infer(model, feeds, { ...defaults, ...options }),
  };
}

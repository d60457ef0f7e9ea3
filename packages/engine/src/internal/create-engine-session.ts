import { ErrorCode, InferoxError, type TensorMap } from '@inferox/core';
import type { EngineSession } from '../engine-session';
import type { InferOptions } from '../infer-options';
import type { InferResult } from '../infer-result';
import type { SessionKey } from '../session-key';

type Infer = (name: string, feeds: TensorMap, options?: InferOptions) => Promise<InferResult>;

function wrongType(key: SessionKey<unknown>, value: unknown, id: string): InferoxError {
  const given = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return new InferoxError(ErrorCode.INVALID_INPUT, `session ${id}: value of key ${JSON.stringify(key.name)} is not of the key's type (got ${given})`, {
    details: { key: key.name, given },
  });
}

/** Builds a session over the engine's `infer`. */
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

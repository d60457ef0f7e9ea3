import { ErrorCode, InferoxError } from '@inferox/core';

/** `bert` → `{ name: 'bert' }`; `bert@2` → `{ name: 'bert', version: 2 }`. */
export function parseModelName(text: unknown): { name: string; version?: number } {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `model name must be a non-empty string, got ${JSON.stringify(text)}`, { details: { name: text } });
  }
  const at = text.lastIndexOf('@');
  if (at <= 0) return { name: text };
  const version = Number(text.slice(at + 1));
  if (!Number.isSafeInteger(version) || version < 1 || !/^\d+$/.test(text.slice(at + 1))) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `model name ${JSON.stringify(text)}: the version after @ must be a positive integer`, { details: { name: text } });
  }
  return { name: text.slice(0, at), version };
}

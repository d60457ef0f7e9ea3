import { ErrorCode, InferoxError } from '@inferox/core';
import type { InferOptions } from '../infer-options';
import { PRIORITIES } from '../scheduler/priority';

/** A value for a message: short, never the whole of a long string or object. */
export function shown(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : value instanceof AbortSignal ? 'an AbortSignal' : 'an object';
  if (typeof value === 'function') return 'a function';
  return String(value);
}

/** What kind of value a caller passed, for messages: `null`, `an object`, `a string`, .... */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function invalid(field: string, message: string): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, `${field}: ${message}`, { details: { field } });
}

/** Whether `value` is an AbortSignal (of this realm or another: what the scheduler needs of it). */
function isSignal(value: unknown): value is AbortSignal {
  if (value instanceof AbortSignal) return true;
  const v = value as Partial<AbortSignal> | null;
  return typeof v === 'object' && v !== null && typeof v.aborted === 'boolean' && typeof v.addEventListener === 'function' && typeof v.removeEventListener === 'function';
}

/**
 * Checks an options object: an object (or undefined), no key outside `known`, and `signal` an AbortSignal.
 *
 * @throws InferoxError `INVALID_INPUT` naming the option (`options.signal`, `unknown option options.foo`).
 */
export function checkOptionsObject(options: unknown, what: string, known: ReadonlySet<string>): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalid(what, `options must be an object, got ${shown(options)}`);
  const record = options as Record<string, unknown>;
  for (const key in record) {
    if (!known.has(key)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `unknown option ${what}.${key.length > 40 ? `${key.slice(0, 40)}…` : key}; known: ${[...known].join(', ')}`, {
        details: { field: `${what}.${key.slice(0, 40)}` },
      });
    }
  }
  if (record.signal !== undefined && !isSignal(record.signal)) throw invalid(`${what}.signal`, `must be an AbortSignal, got ${shown(record.signal)}`);
  return record;
}

/** A number of milliseconds > 0 (≥ 0 with `zero`); `Infinity` passes. */
export function checkDuration(value: unknown, field: string, options: { readonly zero?: boolean } = {}): void {
  if (value === undefined) return;
  const ok = typeof value === 'number' && !Number.isNaN(value) && (options.zero ? value >= 0 : value > 0);
  if (!ok) throw invalid(field, `must be a number of milliseconds ${options.zero ? '≥ 0' : '> 0'}, got ${shown(value)}`);
}

const INFER_KEYS: ReadonlySet<string> = new Set(['signal', 'backend', 'priority', 'timeoutMs', 'deadline', 'metadata', 'cost']);

/**
 * Checks the options of `infer`, `inferBatch`, `inferStream` and `session` before anything is queued: the type of
 * every option and no unknown key.
 *
 * @throws InferoxError `INVALID_INPUT` naming the option and the value given.
 */
export function checkInferOptions(options: unknown, what = 'options'): InferOptions {
  const o = checkOptionsObject(options, what, INFER_KEYS);
  if (o.backend !== undefined && (typeof o.backend !== 'string' || o.backend === '')) throw invalid(`${what}.backend`, `must be a backend name, got ${shown(o.backend)}`);
  if (o.priority !== undefined && !(PRIORITIES as readonly unknown[]).includes(o.priority)) {
    throw invalid(`${what}.priority`, `must be one of ${PRIORITIES.join(', ')}, got ${shown(o.priority)}`);
  }
  checkDuration(o.timeoutMs, `${what}.timeoutMs`);
  if (o.deadline !== undefined && !(typeof o.deadline === 'number' && Number.isFinite(o.deadline))) throw invalid(`${what}.deadline`, `must be epoch milliseconds, got ${shown(o.deadline)}`);
  if (o.cost !== undefined && !(typeof o.cost === 'number' && Number.isFinite(o.cost) && o.cost >= 0)) throw invalid(`${what}.cost`, `must be a finite number ≥ 0, got ${shown(o.cost)}`);
  if (o.metadata !== undefined) {
    if (typeof o.metadata !== 'object' || o.metadata === null || Array.isArray(o.metadata)) throw invalid(`${what}.metadata`, `must be an object of strings, got ${shown(o.metadata)}`);
    for (const [key, value] of Object.entries(o.metadata)) {
      if (typeof value !== 'string') throw invalid(`${what}.metadata.${key.slice(0, 40)}`, `must be a string, got ${shown(value)}`);
    }
  }
  return o as InferOptions;
}

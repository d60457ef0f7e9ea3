import { ErrorCode, InferoxError } from '@inferox/core';
import type { OnnxSessionOptions } from '../onnx-session-options';

type Check = (value: unknown) => string | undefined;

const isInt = (min: number, max = Number.MAX_SAFE_INTEGER): Check => (v) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? undefined : `an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`;
const isBool: Check = (v) => (typeof v === 'boolean' ? undefined : 'a boolean');
const isString: Check = (v) => (typeof v === 'string' ? undefined : 'a string');
const oneOf = (...values: string[]): Check => (v) => (values.includes(v as string) ? undefined : `one of ${values.map((s) => JSON.stringify(s)).join(', ')}`);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

const CHECKS: Readonly<Record<string, Check>> = {
  intraOpNumThreads: isInt(0),
  interOpNumThreads: isInt(0),
  freeDimensionOverrides: (v) =>
    isPlainObject(v) && Object.values(v).every((n) => n === undefined || (Number.isInteger(n) && (n as number) > 0)) ? undefined : 'an object of positive integers',
  graphOptimizationLevel: oneOf('disabled', 'basic', 'extended', 'layout', 'all'),
  enableCpuMemArena: isBool,
  enableMemPattern: isBool,
  executionMode: oneOf('sequential', 'parallel'),
  optimizedModelFilePath: isString,
  enableProfiling: isBool,
  profileFilePrefix: isString,
  logId: isString,
  logSeverityLevel: isInt(0, 4),
  logVerbosityLevel: isInt(0),
  enableGraphCapture: isBool,
  extra: (v) => (isPlainObject(v) ? undefined : 'a plain object'),
};

function stripUndefined(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, stripUndefined(v)]),
  );
}

/**
 * Validates session options and strips keys whose value is `undefined` (onnxruntime throws on them).
 *
 * @param where - how the caller named the options, for messages (`sessionOptions`).
 * @throws InferoxError `INVALID_INPUT` naming the option and what it must be.
 */
export function checkSessionOptions(value: unknown, where = 'sessionOptions'): OnnxSessionOptions {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new InferoxError(ErrorCode.INVALID_INPUT, `${where} must be a plain object, got ${value === null ? 'null' : typeof value}`, { details: { option: where } });
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const option = `${where}.${key}`;
    if (key === 'executionProviders') {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `${option} is not accepted here; pass executionProviders as its own option (a preference list such as ['cuda', 'cpu'])`, {
        details: { option },
      });
    }
    const check = CHECKS[key];
    if (!check) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `unknown session option ${option}; known: ${Object.keys(CHECKS).join(', ')}`, { details: { option } });
    }
    const expected = check(v);
    if (expected !== undefined) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `${option} must be ${expected}, got ${JSON.stringify(v) ?? String(v)}`, { details: { option, given: v } });
    }
    out[key] = stripUndefined(v);
  }
  return out as OnnxSessionOptions;
}

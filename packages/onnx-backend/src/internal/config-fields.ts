import { ErrorCode, InferoxError } from '@inferox/core';

/** Reads typed fields of a `config.json`, refusing bad ones with `PACKAGE_INVALID` naming the field and file. */
export class ConfigFields {
  constructor(
    readonly config: Readonly<Record<string, unknown>>,
    readonly path: string,
  ) {}

  /** Fails with `PACKAGE_INVALID` naming `field`. */
  fail(field: string, message: string): never {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${this.path}: ${field} ${message}`, { details: { file: this.path, field } });
  }

  /** A positive integer field; `fallback` when absent (undefined fallback: required). */
  positiveInt(field: string, fallback?: number): number {
    const value = this.config[field] ?? fallback;
    if (!Number.isInteger(value) || (value as number) <= 0) this.fail(field, `must be a positive integer, got ${JSON.stringify(value) ?? 'nothing'}`);
    return value as number;
  }

  /** A positive number field. */
  positiveNumber(field: string, fallback?: number): number {
    const value = this.config[field] ?? fallback;
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) this.fail(field, `must be a positive number, got ${JSON.stringify(value) ?? 'nothing'}`);
    return value;
  }

  /** A string field that must be one of `allowed`. */
  oneOf<T extends string>(field: string, allowed: readonly T[], fallback?: T): T {
    const value = this.config[field] ?? fallback;
    if (!allowed.includes(value as T)) this.fail(field, `${JSON.stringify(value) ?? 'nothing'} is not supported; expected one of ${allowed.join(', ')}`);
    return value as T;
  }
}

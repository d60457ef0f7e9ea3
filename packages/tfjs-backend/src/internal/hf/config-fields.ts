import { ErrorCode, InferoxError } from '@inferox/core';

/** Typed reads of `config.json` fields, failing with `PACKAGE_INVALID` naming the field and the file. */
export class ConfigFields {
  readonly #config: Readonly<Record<string, unknown>>;
  readonly #file: string;

  constructor(config: Readonly<Record<string, unknown>>, file: string) {
    this.#config = config;
    this.#file = file;
  }

  /** An error about `field`, naming it and the file. */
  invalid(field: string, message: string): InferoxError {
    return new InferoxError(ErrorCode.PACKAGE_INVALID, `${this.#file}: field ${JSON.stringify(field)} ${message}`, {
      details: { field, file: this.#file, given: this.#config[field] },
    });
  }

  /** A positive integer (or `fallback` when absent). */
  positiveInt(field: string, fallback?: number): number {
    const value = this.#config[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw this.invalid(field, `must be a positive integer, got ${JSON.stringify(this.#config[field])}`);
    }
    return value;
  }

  /** A positive finite number (or `fallback` when absent). */
  positiveNumber(field: string, fallback: number): number {
    const value = this.#config[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw this.invalid(field, `must be a positive number, got ${JSON.stringify(this.#config[field])}`);
    }
    return value;
  }

  /** One of `allowed` (or `fallback` when absent). */
  oneOf<T extends string>(field: string, allowed: readonly T[], fallback: T): T {
    const value = this.#config[field] ?? fallback;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      throw this.invalid(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(this.#config[field])}`);
    }
    return value as T;
  }

  /** An array of at least `minLength` positive integers. */
  positiveInts(field: string, minLength: number): number[] {
    const value = this.#config[field];
    if (!Array.isArray(value) || value.length < minLength || !value.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0)) {
      throw this.invalid(field, `must be an array of at least ${minLength} positive integers, got ${JSON.stringify(value)}`);
    }
    return value as number[];
  }
}

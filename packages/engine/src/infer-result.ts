import type { Tensor } from '@inferox/core';

/** Why a request ran on another replica than the one first chosen. */
export interface FallbackReport {
  /** The backend first chosen. */
  readonly from: string;
  /** The error code that made the engine move on (`BACKEND_UNAVAILABLE`, `BACKEND_ERROR`). */
  readonly reason: string;
  /** The failure's message. */
  readonly message: string;
}

/** The answer to one request. */
export interface InferResult {
  /** New tensors owned by the caller. */
  readonly outputs: Record<string, Tensor>;
  /** The backend that ran it. */
  readonly backend: string;
  /** The device it ran on (`cpu`, `wasm`, `cuda:0`). */
  readonly device: string;
  readonly model: string;
  readonly version: number;
  /** Present when the request fell back to another replica. */
  readonly fellBack?: FallbackReport;
  readonly timings: { readonly queueMs: number; readonly computeMs: number };
  /** How many requests ran together in its batch (1 when alone). */
  readonly batchSize: number;
}

/** One item of `engine.inferStream`, yielded as soon as its request settles. */
export type StreamItem = { readonly index: number; readonly result: InferResult } | { readonly index: number; readonly error: unknown };

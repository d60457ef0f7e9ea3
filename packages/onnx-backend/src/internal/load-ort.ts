import type * as Ort from 'onnxruntime-node';

/** The onnxruntime-node module. */
export type OrtModule = typeof Ort;

let pending: Promise<OrtModule> | undefined;

/**
 * Imports onnxruntime-node on first use (importing it registers ORT's backends, a side effect this package must not
 * have on its own import).
 */
export function loadOrt(): Promise<OrtModule> {
  pending ??= import('onnxruntime-node');
  return pending;
}

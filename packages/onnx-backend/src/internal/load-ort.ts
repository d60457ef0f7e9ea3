import type * as Ort from 'onnxruntime-node';

/** The onnxruntime-node module. */
export type OrtModule = typeof Ort;

let pending: Promise<OrtModule> | undefined;

/**
 * Imports onnxruntime-node on first use (importing it registers ORT's backends, a side effect this package must not
 * have on its own import).
 */
export function loadOrt(): Promise<OrtModule> {
  pending ??= import('onnxruntime-node').then((ort) => {
    // ORT's process-wide logger writes to stderr (e.g. a CUDA provider library that cannot be loaded, an error it
    // also throws); a CLI promises one error line, so only fatal lines are printed unless the app chose a level.
    if (ort.env.logLevel === undefined || ort.env.logLevel === 'warning') ort.env.logLevel = 'fatal';
    return ort;
  });
  return pending;
}

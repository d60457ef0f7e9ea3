import type * as TfCore from '@tensorflow/tfjs-core';

/** The `@tensorflow/tfjs-core` module namespace, loaded on first use (never at import time). */
export type Tf = typeof TfCore;

/** A tfjs tensor. */
export type TfTensor = TfCore.Tensor;

let loading: Promise<Tf> | undefined;

/** Loads `@tensorflow/tfjs-core` once it succeeds; a failed import is forgotten, so the next call tries again. */
export function loadTf(): Promise<Tf> {
  loading ??= import('@tensorflow/tfjs-core').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

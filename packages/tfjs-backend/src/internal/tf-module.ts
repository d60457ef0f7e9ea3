import type * as TfCore from '@tensorflow/tfjs-core';

/** The `@tensorflow/tfjs-core` module namespace, loaded on first use (never at import time). */
export type Tf = typeof TfCore;

/** A tfjs tensor. */
export type TfTensor = TfCore.Tensor;

let loading: Promise<Tf> | undefined;

/** Loads `@tensorflow/tfjs-core` once. */
export function loadTf(): Promise<Tf> {
  loading ??= import('@tensorflow/tfjs-core');
  return loading;
}

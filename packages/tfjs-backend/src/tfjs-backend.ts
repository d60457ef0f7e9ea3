import type { Backend, BackendFactorySpec, LoadModelOptions } from '@inferox/core';
import type { TfjsRuntimeOption } from './tfjs-runtime';

/**
 * Options of the tfjs backend's `loadModel`: the common ones only (`name`, `device`); the runtime is chosen by
 * `createTfjsBackend({ runtime })`. Any other key is a compile error, and `INVALID_INPUT` naming it for JavaScript
 * callers.
 */
export type TfjsLoadModelOptions = LoadModelOptions;

/** The TensorFlow.js backend: a core {@link Backend} named `tfjs`. */
export interface TfjsBackend extends Backend<TfjsLoadModelOptions> {
  readonly name: 'tfjs';
  /** The runtime asked for (`auto` until {@link Backend.init} reports the one chosen). */
  readonly requestedRuntime: TfjsRuntimeOption;
  /** `{ module: '@inferox/tfjs-backend', factory: 'createTfjsBackend', options: { runtime } }`. */
  readonly factorySpec: BackendFactorySpec;
}

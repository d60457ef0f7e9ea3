import type { Backend, BackendFactorySpec } from '@inferox/core';
import type { TfjsRuntimeOption } from './tfjs-runtime';

/** The TensorFlow.js backend: a core {@link Backend} named `tfjs`. */
export interface TfjsBackend extends Backend {
  readonly name: 'tfjs';
  /** The runtime asked for (`auto` until {@link Backend.init} reports the one chosen). */
  readonly requestedRuntime: TfjsRuntimeOption;
  /** `{ module: '@inferox/tfjs-backend', factory: 'createTfjsBackend', options: { runtime } }`. */
  readonly factorySpec: BackendFactorySpec;
}

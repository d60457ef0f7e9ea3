import type { BackendFactorySpec, Device, LoadModelOptions, ModelSignature, ModelSource } from '@inferox/core';
import type { WireError } from './error-wire';
import type { WireTensor } from './tensor-wire';

/** What a worker needs to load its model: everything structured-cloneable. */
export interface WorkerLoadSpec {
  readonly backend: BackendFactorySpec;
  readonly source: ModelSource;
  readonly options?: LoadModelOptions;
}

/** Facts about the loaded model, sent once the worker is ready. */
export interface LoadedModelInfo {
  readonly signature: ModelSignature;
  readonly metadata: Readonly<Record<string, string>>;
  readonly memoryBytes: number;
  readonly device: Device;
}

/** Messages from the main thread to a worker. */
export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly feeds: readonly WireTensor[] }
  | { readonly type: 'cancel'; readonly id: number }
  | { readonly type: 'close' };

/** Messages from a worker to the main thread. */
export type FromWorker =
  | { readonly type: 'ready'; readonly model: LoadedModelInfo }
  | { readonly type: 'load-error'; readonly error: WireError }
  /** The worker began a run (its thread picked the message up): the run's timeout counts from here. */
  | { readonly type: 'started'; readonly id: number }
  | { readonly type: 'result'; readonly id: number; readonly outputs: readonly WireTensor[] }
  | { readonly type: 'run-error'; readonly id: number; readonly error: WireError }
  | { readonly type: 'closed' };

/** The part of a MessagePort both `parentPort` and a `MessageChannel` port offer. */
export interface PortLike {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

import type { BackendFactorySpec, Device, LoadModelOptions, ModelSignature, ModelSource } from '@inferox/core';
import type { WireError } from './error-wire';
import type { FlatTensors } from './flat-wire';
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
  /** The handle's `batchable` (false when it says nothing). */
  readonly batchable: boolean;
}

/** A run for the worker. */
export interface RunMessage {
  readonly type: 'run';
  readonly id: number;
  /** The feeds as flat tensors; the worker then answers `flat` outputs. */
  readonly flat?: FlatTensors;
  /** The feeds as one object per tensor (when `flat` is absent); the worker then answers `outputs`. */
  readonly feeds?: readonly WireTensor[];
  /**
   * No `started` answer: the main thread sent the run to a worker with nothing else in flight, so the worker picks it
   * up at once and the run's time counts from when it was sent. Absent: the worker answers `started` first.
   */
  readonly quiet?: true;
  /** The main thread validated the feeds against this model's signature just before: the worker skips that check. */
  readonly validated?: true;
}

/** Messages from the main thread to a worker. */
export type ToWorker =
  | RunMessage
  | { readonly type: 'cancel'; readonly id: number }
  | { readonly type: 'close' };

/** Messages from a worker to the main thread. */
export type FromWorker =
  | { readonly type: 'ready'; readonly model: LoadedModelInfo }
  | { readonly type: 'load-error'; readonly error: WireError }
  /** The worker began a run (its thread picked the message up): the run's timeout counts from here. Not sent for quiet runs. */
  | { readonly type: 'started'; readonly id: number }
  /** A run's outputs, one object per tensor: the answer to a run whose feeds came the same way. */
  | { readonly type: 'result'; readonly id: number; readonly outputs: readonly WireTensor[] }
  /** A run's outputs as flat tensors: the answer to a run whose feeds came flat. */
  | {
      readonly type: 'flat-result';
      readonly id: number;
      readonly flat: FlatTensors;
      /** A run that was waiting behind this one and starts right after it: its `started`, carried here. */
      readonly started?: number;
    }
  | { readonly type: 'run-error'; readonly id: number; readonly error: WireError }
  | { readonly type: 'closed' };

/** The part of a MessagePort both `parentPort` and a `MessageChannel` port offer. */
export interface PortLike {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

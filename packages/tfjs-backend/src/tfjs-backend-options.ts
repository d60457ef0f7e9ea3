import type { Logger } from '@inferox/core';
import type { TfjsRuntimeOption } from './tfjs-runtime';

/** Options of {@link createTfjsBackend}. */
export interface TfjsBackendOptions {
  /**
   * The runtime to use; `auto` tries `node-gpu`, `node`, `wasm`, `cpu` in that order and uses the first that loads.
   * @defaultValue `'auto'`
   */
  readonly runtime?: TfjsRuntimeOption;
  /** Where log lines go. Not carried to worker threads (it is not structured-cloneable). @defaultValue `noopLogger` */
  readonly logger?: Logger;
}

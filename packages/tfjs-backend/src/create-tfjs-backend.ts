import { defaultModuleLoader } from './internal/runtime-candidates';
import { TfjsBackendImpl } from './internal/tfjs-backend-impl';
import type { TfjsBackend } from './tfjs-backend';
import type { TfjsBackendOptions } from './tfjs-backend-options';

/**
 * Creates the TensorFlow.js backend. Nothing is loaded until `init()` (or the first `loadModel`): then the runtime
 * packages are imported, the one chosen becomes tfjs' active backend and the attempts are reported.
 *
 * tfjs has one engine per process (per worker thread): the first Inferox tfjs backend to initialise owns its runtime;
 * later ones asking for the same runtime or `auto` share it; one asking for another runtime fails `init` with
 * `BACKEND_UNAVAILABLE` naming the active runtime, until every owner is disposed.
 *
 * @param options - runtime and logger; `factorySpec.options` carries only `runtime`, so worker threads can recreate it.
 * @returns a backend owned by the caller; `dispose()` frees every model it loaded and its claim on the runtime.
 * @throws InferoxError `INVALID_INPUT` when `runtime` is not a known runtime.
 * @example
 * ```ts
 * const backend = createTfjsBackend({ runtime: 'wasm' });
 * const bert = await backend.loadModel('fixtures/tiny-bert-hf');
 * const { last_hidden_state } = await bert.run({ input_ids, attention_mask, token_type_ids });
 * ```
 */
export function createTfjsBackend(options: TfjsBackendOptions = {}): TfjsBackend {
  return new TfjsBackendImpl(options, defaultModuleLoader);
}

import { basename, dirname } from 'node:path';
import {
  type BackendFactorySpec,
  type BackendInfo,
  type Device,
  ErrorCode,
  InferoxError,
  type Logger,
  type ModelHandle,
  type ModelSource,
  type OwnLoadModelOptionNames,
  type SignalOptions,
  abortError,
  checkLoadModelOptions,
  formatDevice,
  noopLogger,
  parseDevice,
  throwIfAborted,
  toInferoxError,
} from '@inferox/core';
import type { TfjsBackend, TfjsLoadModelOptions } from '../tfjs-backend';
import type { TfjsBackendOptions } from '../tfjs-backend-options';
import { TFJS_RUNTIMES, type TfjsRuntimeOption } from '../tfjs-runtime';
import { withEngineLock } from './engine-lock';
import { loadSource } from './load-source';
import { tfjsSource } from './tfjs-source';
import type { RuntimeModuleLoader, RuntimeSelection } from './runtime-candidates';
import { claimRuntime, releaseRuntime } from './runtime-claim';
import { type Tf, loadTf } from './tf-module';
import { TfjsModelHandle } from './tfjs-model-handle';

const RUNTIME_OPTIONS: readonly string[] = ['auto', ...TFJS_RUNTIMES];

/** The tfjs backend has no `loadModel` options of its own (the runtime is chosen when the backend is created). */
const LOAD_OPTION_NAMES: OwnLoadModelOptionNames<TfjsLoadModelOptions> = {};

function pickDevice(requested: unknown, devices: readonly Device[], runtime: string): Device {
  if (requested === undefined) return devices[0]!;
  if (typeof requested !== 'string') throw new InferoxError(ErrorCode.DEVICE_ERROR, `device must be a string, got ${typeof requested}`);
  const device = parseDevice(requested);
  const match = devices.find((d) => d.kind === device.kind && (device.index === undefined || device.index === (d.index ?? 0)));
  if (!match) {
    throw new InferoxError(ErrorCode.DEVICE_ERROR, `device ${JSON.stringify(requested)} is not available on tfjs runtime ${runtime}; it offers ${devices.map(formatDevice).join(', ')}`, {
      details: { device: requested, runtime },
    });
  }
  return match;
}

/**
 * The package entry a worker thread imports to re-create this backend: `src/index.ts` from sources (this file is
 * `src/internal/`), else `dist/index.js` (the bundle, beside any chunk this code lands in).
 */
const ENTRY_URL = new URL(import.meta.url.endsWith('.ts') ? '../index.ts' : './index.js', import.meta.url).href;

/** The {@link TfjsBackend} implementation; `createTfjsBackend` gives it the real module loader. */
export class TfjsBackendImpl implements TfjsBackend {
  readonly name = 'tfjs';
  readonly requestedRuntime: TfjsRuntimeOption;
  readonly factorySpec: BackendFactorySpec;
  readonly #logger: Logger;
  readonly #loader: RuntimeModuleLoader;
  readonly #handles = new Set<TfjsModelHandle>();
  #init: Promise<BackendInfo> | undefined;
  #tf: Tf | undefined;
  #selection: RuntimeSelection | undefined;
  #disposed = false;

  constructor(options: TfjsBackendOptions, loader: RuntimeModuleLoader) {
    const runtime = options.runtime ?? 'auto';
    if (!RUNTIME_OPTIONS.includes(runtime)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `runtime ${JSON.stringify(runtime)} is not one of ${RUNTIME_OPTIONS.join(', ')}`, { details: { runtime } });
    }
    this.requestedRuntime = runtime;
    // A worker imports this package's own entry (resolved here, never by name from the engine). JavaScript and
    // WebAssembly runtimes survive a worker being terminated mid-run; tfjs-node's native one may not.
    this.factorySpec = Object.freeze({ module: ENTRY_URL, factory: 'createTfjsBackend', options: Object.freeze({ runtime }), interruptible: runtime === 'wasm' || runtime === 'cpu' });
    this.#logger = options.logger ?? noopLogger;
    this.#loader = loader;
  }

  isAvailable(options?: SignalOptions): Promise<boolean> {
    return this.init(options).then(
      () => true,
      () => false,
    );
  }

  init(options?: SignalOptions): Promise<BackendInfo> {
    if (this.#disposed) return Promise.reject(this.#disposedError());
    if (this.#init) return this.#init;
    if (options?.signal?.aborted) return Promise.reject(abortError(options.signal, 'tfjs init'));
    this.#init = this.#start();
    return this.#init;
  }

  async devices(options?: SignalOptions): Promise<readonly Device[]> {
    return (await this.init(options)).devices;
  }

  async loadModel(source: ModelSource, given?: TfjsLoadModelOptions, context: SignalOptions = {}): Promise<ModelHandle> {
    if (this.#disposed) throw this.#disposedError();
    const signal = context.signal;
    throwIfAborted(signal, 'tfjs loadModel');
    const options = checkLoadModelOptions(given, 'tfjs', LOAD_OPTION_NAMES);
    const info = await this.init(context);
    const tf = this.#tf!;
    const device = pickDevice(options.device, info.devices, info.runtime);
    const resolved = await tfjsSource(source, signal);
    let built;
    try {
      built = await loadSource(tf, resolved, signal);
    } catch (error) {
      throw toInferoxError(error, ErrorCode.BACKEND_ERROR, 'tfjs loadModel');
    }
    if (this.#disposed || signal?.aborted) {
      await withEngineLock(() => built.executor.dispose());
      throw this.#disposed ? this.#disposedError() : abortError(signal!, 'tfjs loadModel');
    }
    const path = resolved.kind === 'hf-checkpoint' ? resolved.dir : resolved.modelJson;
    const name = options.name ?? basename(resolved.kind === 'hf-checkpoint' ? resolved.dir : dirname(resolved.modelJson));
    const handle = new TfjsModelHandle({
      tf,
      name,
      device,
      signature: built.signature,
      metadata: { ...built.metadata, runtime: info.runtime, source: path },
      memoryBytes: built.memoryBytes,
      executor: built.executor,
      tfjsBackend: this.#selection!.tfjsBackend,
      onDispose: (h) => this.#handles.delete(h),
    });
    this.#handles.add(handle);
    this.#logger.debug('tfjs model loaded', { model: name, source: path, runtime: info.runtime, memoryBytes: built.memoryBytes });
    return handle;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const handle of [...this.#handles]) await handle.dispose();
    releaseRuntime(this);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  async #start(): Promise<BackendInfo> {
    let tf: Tf;
    try {
      tf = await loadTf();
    } catch (error) {
      throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `@tensorflow/tfjs-core failed to load: ${(error as Error).message}`, { cause: error, details: { attempts: [] } });
    }
    const selection = await claimRuntime(this, this.requestedRuntime, tf, this.#loader);
    if (this.#disposed) {
      releaseRuntime(this);
      throw this.#disposedError();
    }
    this.#tf = tf;
    this.#selection = selection;
    this.#logger.info('tfjs runtime active', {
      runtime: selection.runtime,
      requested: this.requestedRuntime,
      skipped: selection.attempts.map((a) => ({ candidate: a.candidate, cause: (a.cause as Error).message })),
    });
    return { name: this.name, runtime: selection.runtime, devices: selection.devices, attempts: selection.attempts, version: tf.version_core };
  }

  #disposedError(): InferoxError {
    return new InferoxError(ErrorCode.DISPOSED, `tfjs backend (${this.requestedRuntime}) was disposed`);
  }
}

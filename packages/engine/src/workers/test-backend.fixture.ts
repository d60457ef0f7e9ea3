/* v8 ignore file -- @preserve test support: mostly runs inside worker threads, where coverage is not collected */
/**
 * A backend for the worker tests, loaded by real worker threads. Its model echoes every feed except `mode`, adds a
 * `thread` output (the worker's threadId), and obeys the string feed `mode`:
 * `echo` (default), `exit` (process.exit(7): the worker thread ends), `uncaught` (an uncaught exception), `hang`
 * (a synchronous endless loop), `throw` (an InferoxError INVALID_INPUT), `throw-plain` (a plain Error),
 * `wait-abort` (settles only when its signal aborts), `busy` (blocks its thread for the int32 feed `busyMs`
 * milliseconds, then echoes). Its metadata names the worker thread (`thread`) and the load options' name and CPU threads, when given
 * (`loadName`, `cpuThreads`).
 */
import { existsSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { type Backend, type BackendInfo, ErrorCode, InferoxError, type LoadModelOptions, type ModelHandle, type ModelSource, Tensor, type TensorMap, abortError } from '@inferox/core';

/** Options of {@link createTestBackend}. */
export interface TestBackendOptions {
  /** Make the factory itself throw. */
  readonly failFactory?: boolean;
  /** Make `loadModel` throw PACKAGE_INVALID while this file exists. */
  readonly failLoadIfExists?: string;
  /** Make `loadModel` end the worker thread with this exit code. */
  readonly exitOnLoad?: number;
  /** Make `loadModel` wait while this file exists (looked at every 10 ms), so a test holds a load under way. */
  readonly holdLoadWhileExists?: string;
  /** The `batchable` the model's handle says, unchecked (a backend's bug is what tests give it). @defaultValue absent */
  readonly handleBatchable?: unknown;
}

function createModel(source: ModelSource, loadOptions: LoadModelOptions = {}): ModelHandle {
  let disposed = false;
  const handle: ModelHandle = {
    name: typeof source === 'string' ? source : 'test',
    backend: 'test',
    device: { kind: 'cpu' },
    signature: { inputs: [{ name: 'x', dtype: 'float32', shape: null }], outputs: [{ name: 'x', dtype: 'float32', shape: null }] },
    metadata: {
      thread: String(threadId),
      ...(loadOptions.name === undefined ? {} : { loadName: loadOptions.name }),
      ...(loadOptions.cpuThreads === undefined ? {} : { cpuThreads: String(loadOptions.cpuThreads) }),
    },
    memoryBytes: 1234,
    get disposed() {
      return disposed;
    },
    async run(feeds: TensorMap, options = {}) {
      if (disposed) throw new InferoxError(ErrorCode.DISPOSED, 'test model was disposed');
      const mode = feeds.mode ? String(feeds.mode.data[0]) : 'echo';
      const out: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) {
        if (name !== 'mode') out[name] = Tensor.from(t.dtype, (Array.isArray(t.data) ? [...t.data] : t.data.slice()) as never, t.shape);
      }
      out.thread = Tensor.from('int32', [threadId], [1]);
      switch (mode) {
        case 'exit':
          process.exit(7);
          break;
        case 'uncaught':
          setImmediate(() => {
            throw new Error('uncaught boom in the test model');
          });
          return new Promise(() => undefined);
        case 'hang':
          for (;;) {
            // a synchronous endless loop: only terminate() ends it
          }
        case 'throw':
          throw new InferoxError(ErrorCode.INVALID_INPUT, 'input "x" is not acceptable to the test model', { details: { input: 'x', reason: 'told to' } });
        case 'throw-plain':
          throw new Error('plain failure in the test model');
        case 'busy': {
          const until = Date.now() + Number(feeds.busyMs?.data[0] ?? 0);
          while (Date.now() < until) {
            // blocks the worker's thread, as a synchronous backend does
          }
          break;
        }
        case 'wait-abort': {
          const signal = options.signal!;
          return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(abortError(signal, 'test run')), { once: true }));
        }
      }
      return out;
    },
    async dispose() {
      disposed = true;
    },
    async [Symbol.asyncDispose]() {
      disposed = true;
    },
  };
  return handle;
}

/** Creates the test backend (see the file comment). */
export async function createTestBackend(options: TestBackendOptions = {}): Promise<Backend> {
  if (options.failFactory) throw new Error('the test backend factory was told to fail');
  const info: BackendInfo = { name: 'test', runtime: 'js', devices: [{ kind: 'cpu' }], attempts: [] };
  return {
    name: 'test',
    isAvailable: async () => true,
    init: async () => info,
    devices: async () => info.devices,
    async loadModel(source, loadOptions) {
      if (options.exitOnLoad !== undefined) process.exit(options.exitOnLoad);
      while (options.holdLoadWhileExists !== undefined && existsSync(options.holdLoadWhileExists)) await new Promise((resolve) => setTimeout(resolve, 10));
      if (options.failLoadIfExists !== undefined && existsSync(options.failLoadIfExists)) {
        throw new InferoxError(ErrorCode.PACKAGE_INVALID, `test model ${JSON.stringify(source)} refused to load: ${options.failLoadIfExists} exists`, {
          details: { file: options.failLoadIfExists },
        });
      }
      const handle = createModel(source, loadOptions);
      return options.handleBatchable === undefined ? handle : Object.assign(handle, { batchable: options.handleBatchable as boolean });
    },
    dispose: async () => undefined,
    [Symbol.asyncDispose]: async () => undefined,
  };
}

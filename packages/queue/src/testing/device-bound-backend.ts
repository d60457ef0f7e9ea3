/**
 * A stand-in for a device-bound backend: its model copies `x` (float32 `[batch, width]`) to `y` after waiting
 * `runMs` on a timer, using no CPU meanwhile, as a call into a GPU would. Benches measure the queue's scaling on it;
 * tests hook `onRun` to record, hold or crash runs.
 */
import { type Backend, type BackendInfo, InferoxError, type LoadModelOptions, type ModelHandle, type ModelSource, type RunOptions, Tensor, type TensorMap, abortError, checkLoadModelOptions } from '@inferox/core';
import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link createDeviceBoundBackend}. */
export interface DeviceBoundBackendOptions {
  /** @defaultValue `'device-bound'` */
  readonly name?: string;
  /** How long each run waits. @defaultValue 20 */
  readonly runMs?: number;
  /** Called as a run starts, with the first element of `x`; a returned promise delays the run. */
  readonly onRun?: (first: number) => void | Promise<void>;
}

/**
 * Creates the stand-in backend; any source loads (the source string becomes the model's metadata).
 *
 * @example
 * ```ts
 * const engine = createEngine({ backends: [createDeviceBoundBackend({ runMs: 20 })] });
 * await engine.load('gpu-model', { source: 'stand-in' });
 * ```
 */
export function createDeviceBoundBackend(options: DeviceBoundBackendOptions = {}): Backend {
  const name = options.name ?? 'device-bound';
  const runMs = options.runMs ?? 20;
  const info: BackendInfo = { name, runtime: 'timer', devices: [{ kind: 'cpu' }], attempts: [] };
  const handles = new Set<ModelHandle>();
  const backend: Backend = {
    name,
    isAvailable: async () => true,
    init: async () => info,
    devices: async () => info.devices,
    async loadModel(source: ModelSource, given?: LoadModelOptions): Promise<ModelHandle> {
      // Like a real backend, it refuses an option it does not know (it has none of its own).
      const load = checkLoadModelOptions(given, name, {});
      let disposed = false;
      const run = async (feeds: TensorMap, runOptions: RunOptions = {}): Promise<Record<string, Tensor>> => {
        if (disposed) throw new InferoxError('DISPOSED', `stand-in model ${String(load.name)} was disposed`);
        const x = feeds.x as Tensor<'float32'>;
        await options.onRun?.(x.data[0] ?? Number.NaN);
        await sleep(runMs, undefined, runOptions.signal ? { signal: runOptions.signal } : {}).catch(() => {
          throw abortError(runOptions.signal!, 'stand-in run');
        });
        return { y: Tensor.from('float32', Float32Array.from(x.data), x.shape) };
      };
      const dispose = async (): Promise<void> => {
        disposed = true;
        handles.delete(handle);
      };
      const handle: ModelHandle = {
        name: load.name ?? String(source),
        backend: name,
        device: { kind: 'cpu' },
        signature: { inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 'width'] }], outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 'width'] }] },
        metadata: { source: typeof source === 'string' ? source : 'stand-in', runMs: String(runMs) },
        memoryBytes: 0,
        get disposed() {
          return disposed;
        },
        run,
        dispose,
        [Symbol.asyncDispose]: dispose,
      };
      handles.add(handle);
      return handle;
    },
    async dispose() {
      for (const h of [...handles]) await h.dispose();
    },
    [Symbol.asyncDispose]() {
      return backend.dispose();
    },
  };
  return backend;
}

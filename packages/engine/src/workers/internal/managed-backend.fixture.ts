/**
 * A backend for the in-thread serveModel tests whose model is a core ManagedModelHandle (so the worker runs it through
 * core's internal entry, where the `validated` flag counts). Its input `ids` (int64) must lie in [0, 10); it answers
 * `y`, the ids as float32. It records, per run, the feeds it got and the output tensor it made, so that a test on the
 * same thread can see what the worker did with them after the answer, and can hold its runs (`managedGate`).
 */
import { type Backend, type BackendInfo, ManagedModelHandle, Tensor, type TensorMap } from '@inferox/core';

/** While `hold` is set, every run waits for it before it answers (the test resolves it). */
export const managedGate: { hold: Promise<void> | undefined } = { hold: undefined };

/** What the model saw and made, run by run. */
export const managedRuns: { feeds: TensorMap; output: Tensor; data: Float32Array }[] = [];

/** Creates the backend (see the file comment). */
export function createManagedBackend(): Backend {
  const info: BackendInfo = { name: 'managed', runtime: 'js', devices: [{ kind: 'cpu' }], attempts: [] };
  return {
    name: 'managed',
    isAvailable: async () => true,
    init: async () => info,
    devices: async () => info.devices,
    async loadModel() {
      return new ManagedModelHandle({
        name: 'ids-model',
        backend: 'managed',
        device: { kind: 'cpu' },
        signature: {
          inputs: [{ name: 'ids', dtype: 'int64', shape: ['n'], valueRange: { min: 0, maxExclusive: 10 } }],
          outputs: [{ name: 'y', dtype: 'float32', shape: ['n'] }],
        },
        memoryBytes: 8,
        runner: {
          async run(feeds) {
            await managedGate.hold;
            const ids = feeds.ids!;
            const data = Float32Array.from(ids.toArray() as bigint[], Number);
            const output = Tensor.from('float32', data, ids.shape);
            managedRuns.push({ feeds, output, data });
            return { y: output };
          },
          release() {},
        },
      });
    },
    dispose: async () => undefined,
    [Symbol.asyncDispose]: async () => undefined,
  };
}

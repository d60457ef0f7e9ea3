// A pure-JS backend for testing the conformance suite itself: one model, `adder`, with float32 inputs a and b of
// shape [batch, 2] and outputs sum = a + b and diff = a - b. `faults` breaks one contract clause each, so tests can
// show that the suite's checks fail on a backend that breaks it.
import { throwIfAborted } from '../abort';
import type { Backend, BackendInfo, LoadModelOptions, ModelSource, SignalOptions } from '../backend';
import type { Device } from '../device';
import { InferoxError } from '../inferox-error';
import type { ModelHandle, ModelSignature, RunOptions } from '../model-handle';
import { Tensor, type TensorMap } from '../tensor';
import { validateFeeds } from '../validate-feeds';

export type AdderFault =
  | 'init-not-memoised'
  | 'wrong-values'
  | 'ignores-output-selection'
  | 'skips-validation'
  | 'ignores-run-signal'
  | 'ignores-load-signal'
  | 'runs-after-dispose'
  | 'no-memory-estimate';

const SIGNATURE: ModelSignature = {
  inputs: [
    { name: 'a', dtype: 'float32', shape: ['batch', 2] },
    { name: 'b', dtype: 'float32', shape: ['batch', 2] },
  ],
  outputs: [
    { name: 'sum', dtype: 'float32', shape: ['batch', 2] },
    { name: 'diff', dtype: 'float32', shape: ['batch', 2] },
  ],
};

class AdderHandle implements ModelHandle {
  readonly backend = 'adder';
  readonly device: Device = { kind: 'cpu' };
  readonly signature = SIGNATURE;
  readonly metadata = { producer: 'adder-backend.fixture' };
  readonly memoryBytes: number;
  #disposed = false;

  constructor(
    readonly name: string,
    private readonly faults: ReadonlySet<AdderFault>,
  ) {
    this.memoryBytes = faults.has('no-memory-estimate') ? 0 : 64;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  async run(feeds: TensorMap, options: RunOptions = {}): Promise<Record<string, Tensor>> {
    if (this.#disposed && !this.faults.has('runs-after-dispose')) throw new InferoxError('DISPOSED', `model ${this.name} was disposed`);
    if (!this.faults.has('ignores-run-signal')) throwIfAborted(options.signal, `run of ${this.name}`);
    if (!this.faults.has('skips-validation')) validateFeeds(this.signature, feeds);
    const wanted = options.outputs && !this.faults.has('ignores-output-selection') ? options.outputs : this.signature.outputs.map((s) => s.name);
    for (const name of wanted) {
      if (!this.signature.outputs.some((s) => s.name === name)) throw new InferoxError('INVALID_INPUT', `unknown output ${JSON.stringify(name)}`);
    }
    const a = (feeds.a?.data ?? new Float32Array(0)) as Float32Array;
    const b = (feeds.b?.data ?? new Float32Array(0)) as Float32Array;
    const shape = feeds.a?.shape ?? [0, 2];
    const skew = this.faults.has('wrong-values') ? 0.5 : 0;
    const out: Record<string, Tensor> = {};
    if (wanted.includes('sum')) out.sum = Tensor.from('float32', a.map((x, i) => x + (b[i] ?? 0) + skew), shape);
    if (wanted.includes('diff')) out.diff = Tensor.from('float32', a.map((x, i) => x - (b[i] ?? 0)), shape);
    return out;
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/** Creates the adder backend, optionally with faults. */
export function createAdderBackend(faults: readonly AdderFault[] = []): Backend & { readonly loaded: readonly ModelHandle[] } {
  const set = new Set(faults);
  let initialised: Promise<BackendInfo> | undefined;
  const loaded: ModelHandle[] = [];
  const init = (): Promise<BackendInfo> => {
    const start = async (): Promise<BackendInfo> => ({ name: 'adder', runtime: 'js', devices: [{ kind: 'cpu' }], attempts: [] });
    if (set.has('init-not-memoised')) return start();
    initialised ??= start();
    return initialised;
  };
  return {
    name: 'adder',
    loaded,
    isAvailable: async () => true,
    init,
    devices: async () => (await init()).devices,
    async loadModel(source: ModelSource, options: LoadModelOptions = {}, context: SignalOptions = {}): Promise<ModelHandle> {
      if (!set.has('ignores-load-signal')) throwIfAborted(context.signal, 'load of adder');
      if (source !== 'adder') throw new InferoxError('MODEL_NOT_FOUND', `the adder backend only loads "adder", got ${JSON.stringify(source)}`);
      const handle = new AdderHandle(options.name ?? 'adder', set);
      loaded.push(handle);
      return handle;
    },
    async dispose(): Promise<void> {
      await Promise.all(loaded.map((h) => h.dispose()));
    },
    [Symbol.asyncDispose](): Promise<void> {
      return this.dispose();
    },
  };
}

/** Valid feeds for the adder: a = [[1, 2], [3, 4]], b = [[10, 20], [30, 40]]. */
export const adderFeeds = (): TensorMap => ({
  a: Tensor.from('float32', [1, 2, 3, 4], [2, 2]),
  b: Tensor.from('float32', [10, 20, 30, 40], [2, 2]),
});

/** What the adder returns for {@link adderFeeds}. */
export const adderExpected = {
  sum: { shape: [2, 2], values: [11, 22, 33, 44] },
  diff: { shape: [2, 2], values: [-9, -18, -27, -36], tolerance: 0 },
} as const;

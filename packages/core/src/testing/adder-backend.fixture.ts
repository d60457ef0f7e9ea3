// A pure-JS backend for testing the conformance suite itself: one model, `adder`, with float32 inputs a and b of
// shape [batch, 2] (a in [-100, 100), batch at most 4) and outputs sum = a + b and diff = a - b. Its handles are
// core's ManagedModelHandle over a tiny runner. `faults` breaks one contract clause each (mostly by wrapping the
// managed handle and going around it), so tests can show that the suite's checks fail on a backend that breaks it.
import { throwIfAborted } from '../abort';
import type { Backend, BackendInfo, LoadModelOptions, ModelSource, SignalOptions } from '../backend';
import { checkLoadModelOptions } from '../check-load-model-options';
import type { Device } from '../device';
import { InferoxError } from '../inferox-error';
import { ManagedModelHandle } from '../managed-model-handle';
import type { ModelHandle, ModelSignature, RunOptions, TensorSpec } from '../model-handle';
import type { ModelRunner, RunContext } from '../model-runner';
import { Tensor, type TensorMap } from '../tensor';
import { validateFeeds } from '../validate-feeds';

export type AdderFault =
  | 'init-not-memoised'
  | 'init-rejects-aborted-after-init'
  | 'wrong-values'
  | 'ignores-output-selection'
  | 'passes-duplicate-outputs'
  | 'skips-validation'
  | 'accepts-values-above-range'
  | 'accepts-values-below-range'
  | 'accepts-overlong-dims'
  | 'accepts-empty-dims'
  | 'validates-before-abort'
  | 'ignores-run-signal'
  | 'ignores-load-signal'
  | 'ignores-unknown-load-options'
  | 'runs-after-dispose'
  | 'dispose-returns-early'
  | 'no-memory-estimate';

/** The limits the adder declares, as the conformance options state them. */
export const adderLimits = { valueRanges: { a: { min: -100, maxExclusive: 100 } }, maxDims: { batch: 4 } } as const;

const A: TensorSpec = {
  name: 'a',
  dtype: 'float32',
  shape: ['batch', 2],
  dimLimits: [{ max: adderLimits.maxDims.batch, source: 'max_batch' }, null],
  valueRange: { ...adderLimits.valueRanges.a, source: 'adder range' },
};

const SIGNATURE: ModelSignature = {
  inputs: [A, { name: 'b', dtype: 'float32', shape: ['batch', 2] }],
  outputs: [
    { name: 'sum', dtype: 'float32', shape: ['batch', 2] },
    { name: 'diff', dtype: 'float32', shape: ['batch', 2] },
  ],
};

/** The signature the managed handle validates with: weaker than the one reported when a limit fault is set. */
function validatedSignature(faults: ReadonlySet<AdderFault>): ModelSignature {
  const range = A.valueRange!;
  const a: TensorSpec = {
    ...A,
    valueRange: {
      min: faults.has('accepts-values-below-range') ? Number.NEGATIVE_INFINITY : range.min,
      maxExclusive: faults.has('accepts-values-above-range') ? Number.POSITIVE_INFINITY : range.maxExclusive,
    },
    dimLimits: [{ ...(faults.has('accepts-overlong-dims') ? {} : { max: 4 }), ...(faults.has('accepts-empty-dims') ? { min: 0 } : {}) }, faults.has('accepts-empty-dims') ? { min: 0 } : null],
  };
  const b: TensorSpec = faults.has('accepts-empty-dims') ? { ...SIGNATURE.inputs[1]!, dimLimits: [{ min: 0 }, { min: 0 }] } : SIGNATURE.inputs[1]!;
  return { inputs: [a, b], outputs: SIGNATURE.outputs };
}

function adderRunner(faults: ReadonlySet<AdderFault>): ModelRunner {
  return {
    async run(feeds: TensorMap, outputs: readonly string[], _context?: RunContext): Promise<Record<string, Tensor>> {
      // Like a native runtime handed a fetch list with a name twice.
      if (new Set(outputs).size !== outputs.length) throw new InferoxError('BACKEND_ERROR', `adder runtime: duplicate fetch names ${outputs.join(', ')}`);
      const a = (feeds.a?.data ?? new Float32Array(0)) as Float32Array;
      const b = (feeds.b?.data ?? new Float32Array(0)) as Float32Array;
      const shape = feeds.a?.shape ?? [0, 2];
      const skew = faults.has('wrong-values') ? 0.5 : 0;
      const out: Record<string, Tensor> = {};
      for (const name of outputs) {
        if (name === 'sum') out.sum = Tensor.from('float32', a.map((x, i) => x + (b[i] ?? 0) + skew), shape);
        else if (name === 'diff') out.diff = Tensor.from('float32', a.map((x, i) => x - (b[i] ?? 0)), shape);
        else throw new InferoxError('INVALID_INPUT', `unknown output ${JSON.stringify(name)}`);
      }
      return out;
    },
    async release(): Promise<void> {
      // Native releases take a while; this one takes a turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

const HANDLE_FAULTS: readonly AdderFault[] = [
  'ignores-output-selection',
  'passes-duplicate-outputs',
  'skips-validation',
  'accepts-values-above-range',
  'accepts-values-below-range',
  'accepts-overlong-dims',
  'accepts-empty-dims',
  'validates-before-abort',
  'ignores-run-signal',
  'runs-after-dispose',
  'dispose-returns-early',
];

/** A managed adder handle with one clause broken: it reports the true signature and goes around the managed handle. */
class FaultyAdderHandle implements ModelHandle {
  readonly backend = 'adder';
  readonly device: Device = { kind: 'cpu' };
  readonly signature = SIGNATURE;
  readonly metadata = { producer: 'adder-backend.fixture' };
  readonly memoryBytes = 64;

  constructor(
    readonly name: string,
    private readonly inner: ManagedModelHandle,
    private readonly runner: ModelRunner,
    private readonly faults: ReadonlySet<AdderFault>,
  ) {}

  get disposed(): boolean {
    return this.inner.disposed;
  }

  async run(feeds: TensorMap, options: RunOptions = {}): Promise<Record<string, Tensor>> {
    const all = SIGNATURE.outputs.map((s) => s.name);
    const has = (fault: AdderFault): boolean => this.faults.has(fault);
    if (has('runs-after-dispose') && this.inner.disposed) return this.runner.run(feeds, all, { signal: undefined, throwIfStopped() {} });
    if (has('skips-validation')) return this.runner.run(feeds, options.outputs ?? all, { signal: undefined, throwIfStopped() {} });
    if (has('validates-before-abort')) validateFeeds(SIGNATURE, feeds);
    if (has('passes-duplicate-outputs') && options.outputs) return this.runner.run(feeds, options.outputs, { signal: undefined, throwIfStopped() {} });
    let passed = options;
    if (has('ignores-run-signal')) passed = { ...passed, signal: undefined };
    if (has('ignores-output-selection')) passed = { ...passed, outputs: undefined };
    return this.inner.run(feeds, passed);
  }

  async dispose(): Promise<void> {
    if (this.faults.has('dispose-returns-early') && this.inner.disposed) return;
    await this.inner.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

function createAdderHandle(name: string, faults: ReadonlySet<AdderFault>): ModelHandle {
  const runner = adderRunner(faults);
  const inner = new ManagedModelHandle({
    name,
    backend: 'adder',
    device: { kind: 'cpu' },
    signature: HANDLE_FAULTS.some((f) => faults.has(f)) ? validatedSignature(faults) : SIGNATURE,
    metadata: { producer: 'adder-backend.fixture' },
    memoryBytes: faults.has('no-memory-estimate') ? 0 : 64,
    runner,
  });
  return HANDLE_FAULTS.some((f) => faults.has(f)) ? new FaultyAdderHandle(name, inner, runner, faults) : inner;
}

/** Creates the adder backend, optionally with faults. */
export function createAdderBackend(faults: readonly AdderFault[] = []): Backend & { readonly loaded: readonly ModelHandle[] } {
  const set = new Set(faults);
  let initialised: Promise<BackendInfo> | undefined;
  const loaded: ModelHandle[] = [];
  const init = (context: SignalOptions = {}): Promise<BackendInfo> => {
    const start = async (): Promise<BackendInfo> => ({ name: 'adder', runtime: 'js', devices: [{ kind: 'cpu' }], attempts: [] });
    if (set.has('init-not-memoised')) return start();
    if ((initialised === undefined || set.has('init-rejects-aborted-after-init')) && context.signal?.aborted) {
      return Promise.reject(new InferoxError('CANCELLED', 'adder init was cancelled', { cause: context.signal.reason }));
    }
    initialised ??= start();
    return initialised;
  };
  return {
    name: 'adder',
    loaded,
    isAvailable: async () => true,
    init,
    devices: async () => (await init()).devices,
    async loadModel(source: ModelSource, given?: LoadModelOptions, context: SignalOptions = {}): Promise<ModelHandle> {
      const options = set.has('ignores-unknown-load-options') ? (given ?? {}) : checkLoadModelOptions(given, 'adder', {});
      if (!set.has('ignores-load-signal')) throwIfAborted(context.signal, 'load of adder');
      if (source !== 'adder') throw new InferoxError('MODEL_NOT_FOUND', `the adder backend only loads "adder", got ${JSON.stringify(source)}`);
      const handle = createAdderHandle(options.name ?? 'adder', set);
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

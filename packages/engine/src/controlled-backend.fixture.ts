/**
 * Test support: a backend whose runs the test controls. Its model takes `x` float32 [batch, 2] and returns
 * `y = x * factor`. Runs can be held (they wait until released), made to fail with a code, and every run records
 * whether its handle was disposed at that moment, so tests can prove no disposed model is ever run.
 */
import {
  type Backend,
  type BackendInfo,
  type ErrorCode,
  InferoxError,
  type LoadModelOptions,
  type ModelHandle,
  type ModelSource,
  type RunOptions,
  Tensor,
  type TensorMap,
  abortError,
  checkLoadModelOptions,
} from '@inferox/core';

/** Options of {@link ControlledBackend}. */
export interface ControlledBackendOptions {
  /** @defaultValue `'ctl'` */
  readonly name?: string;
  /** `init()` fails with this message. */
  readonly failInit?: string;
  /** Memory each handle reports (0 = nothing reported). @defaultValue 1000 */
  readonly memoryBytes?: number;
}

/** Load options of {@link ControlledBackend}: the common ones and these (any other is refused, as by real backends). */
export interface ControlledLoadOptions extends LoadModelOptions {
  /** The load fails with `PACKAGE_INVALID`. */
  readonly fail?: boolean;
  /** `y = x * factor`. @defaultValue 1 */
  readonly factor?: number;
  /** Memory the handle reports. @defaultValue the backend's `memoryBytes` */
  readonly memoryBytes?: number;
  /** The handle's `runsInFlight`, unchecked (a backend's bug is what tests give it). @defaultValue absent */
  readonly runsInFlight?: unknown;
  /** The handle's `batchable`, unchecked. @defaultValue absent */
  readonly batchable?: unknown;
}

/** One run as the backend saw it. */
export interface RunRecord {
  readonly model: string;
  readonly handle: number;
  readonly rows: number;
  /** The first element of `x` (tests tell requests apart by it). */
  readonly first: number;
  readonly disposed: boolean;
}

interface Held {
  readonly start: () => void;
}

/** A controllable in-test backend; see the file comment. */
export class ControlledBackend implements Backend<ControlledLoadOptions> {
  readonly name: string;
  readonly runs: RunRecord[] = [];
  readonly live = new Set<ModelHandle>();
  loads = 0;
  /** `loadModel` calls waiting for {@link releaseLoads}. */
  loadsHeld = 0;
  initCalls = 0;
  disposed = false;
  #held: Held[] = [];
  #holding = false;
  #failures: ErrorCode[] = [];
  #waiters: { count: number; resolve: () => void }[] = [];
  #init?: Promise<BackendInfo>;
  #loadGate?: { promise: Promise<void>; resolve: () => void };
  #ids = 0;
  readonly #options: ControlledBackendOptions;

  constructor(options: ControlledBackendOptions = {}) {
    this.#options = options;
    this.name = options.name ?? 'ctl';
  }

  /** Runs started from now on wait until {@link release}. */
  hold(): void {
    this.#holding = true;
  }

  /** Lets `count` held runs go (all by default) and stops holding when all were released. */
  release(count = Number.POSITIVE_INFINITY): void {
    const go = this.#held.splice(0, count);
    if (this.#held.length === 0 && count === Number.POSITIVE_INFINITY) this.#holding = false;
    for (const h of go) h.start();
  }

  /** Runs waiting to be released. */
  get waiting(): number {
    return this.#held.length;
  }

  /** Resolves once at least `count` runs are held. */
  whenWaiting(count: number): Promise<void> {
    if (this.#held.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** `loadModel` waits from now on until {@link releaseLoads}. */
  holdLoads(): void {
    if (this.#loadGate) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.#loadGate = { promise, resolve };
  }

  releaseLoads(): void {
    this.#loadGate?.resolve();
    this.#loadGate = undefined;
  }

  /** The next runs fail with these codes, one each. */
  failNext(...codes: ErrorCode[]): void {
    this.#failures.push(...codes);
  }

  async isAvailable(): Promise<boolean> {
    return this.#options.failInit === undefined;
  }

  /** Counts calls (what the engine asked); the work itself is done once. */
  init(): Promise<BackendInfo> {
    this.initCalls += 1;
    return this.#initOnce();
  }

  #initOnce(): Promise<BackendInfo> {
    this.#init ??= this.#options.failInit
      ? Promise.reject(new InferoxError('BACKEND_UNAVAILABLE', this.#options.failInit))
      : Promise.resolve({ name: this.name, runtime: 'test', devices: [{ kind: 'cpu' }], attempts: [] });
    return this.#init;
  }

  async devices(): Promise<readonly { kind: 'cpu' }[]> {
    return [{ kind: 'cpu' }];
  }

  async loadModel(source: ModelSource, given?: ControlledLoadOptions): Promise<ModelHandle> {
    const options = checkLoadModelOptions(given, this.name, { fail: true, factor: true, memoryBytes: true, runsInFlight: true, batchable: true });
    await this.#initOnce();
    if (this.#loadGate) {
      this.loadsHeld += 1;
      await this.#loadGate.promise;
      this.loadsHeld -= 1;
    }
    if (this.disposed) throw new InferoxError('DISPOSED', `backend ${this.name} was disposed`);
    if (options.fail) throw new InferoxError('PACKAGE_INVALID', `cannot load ${String(source)}`);
    this.loads += 1;
    const id = ++this.#ids;
    const model = typeof source === 'string' ? source : 'path' in source ? source.path : 'bytes';
    const factor = typeof options.factor === 'number' ? options.factor : 1;
    const memoryBytes = typeof options.memoryBytes === 'number' ? options.memoryBytes : (this.#options.memoryBytes ?? 1000);
    let disposed = false;
    const run = async (feeds: TensorMap, runOptions: RunOptions = {}): Promise<Record<string, Tensor>> => {
      const x = feeds.x!;
      this.runs.push({ model, handle: id, rows: x.shape[0] ?? 0, first: (x.data as Float32Array)[0] ?? Number.NaN, disposed });
      if (disposed) throw new InferoxError('DISPOSED', `model ${model} was disposed`);
      if (runOptions.signal?.aborted) throw abortError(runOptions.signal, 'run');
      if (this.#holding) await this.#wait();
      const code = this.#failures.shift();
      if (code) throw new InferoxError(code, `injected ${code} on ${this.name}`);
      const data = Float32Array.from(x.data as Float32Array, (v) => v * factor);
      return { y: Tensor.from('float32', data, x.shape) };
    };
    const dispose = async (): Promise<void> => {
      disposed = true;
      this.live.delete(handle);
    };
    const handle: ModelHandle = {
      name: options.name ?? model,
      backend: this.name,
      device: { kind: 'cpu' },
      signature: { inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 2] }], outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 2] }] },
      metadata: { model, factor: String(factor) },
      memoryBytes,
      ...(options.runsInFlight === undefined ? {} : { runsInFlight: options.runsInFlight as number }),
      ...(options.batchable === undefined ? {} : { batchable: options.batchable as boolean }),
      get disposed() {
        return disposed;
      },
      run,
      dispose,
      [Symbol.asyncDispose]: dispose,
    };
    this.live.add(handle);
    return handle;
  }

  #wait(): Promise<void> {
    return new Promise((resolve) => {
      this.#held.push({ start: resolve });
      for (const w of this.#waiters.filter((x) => this.#held.length >= x.count)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const h of [...this.live]) await h.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/** Feeds for the controlled model: `x` of `rows` rows `[v, v + 1]`. */
export function feedsOf(v: number, rows = 1): TensorMap {
  const data = new Float32Array(rows * 2);
  for (let i = 0; i < rows; i++) data.set([v, v + 1], i * 2);
  return { x: Tensor.from('float32', data, [rows, 2]) };
}

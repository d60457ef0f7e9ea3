import { abortError } from './abort';
import { checkBatchable } from './batch-dim';
import type { Device } from './device';
import { ErrorCode } from './error-codes';
import { InferoxError } from './inferox-error';
import { checkRunOptions } from './internal/run-options';
import { type Logger, noopLogger } from './logger';
import type { ModelHandle, ModelSignature, RunOptions } from './model-handle';
import type { ModelRunner, RunContext } from './model-runner';
import { cutText, quoteValue } from './quote-value';
import type { Tensor, TensorMap } from './tensor';
import { checkRunsInFlight } from './runs-in-flight';
import { validateFeeds } from './validate-feeds';

/**
 * Key of the handle's internal run entry for the engine, `handle[RUN_CHECKED](feeds, stop, validated)`. A registered
 * symbol, so the engine reaches it by `Symbol.for` without a deep import; not re-exported by the index (not public API).
 */
export const RUN_CHECKED = Symbol.for('@inferox/core:ManagedModelHandle.runChecked');

/** Where an internal run learns it should stop: `signal` is read only when the runner asks for it. */
export interface StopSource {
  readonly signal: AbortSignal;
}

/** The disposed-handle error of `handle`. */
function disposedError(handle: ManagedModelHandle): InferoxError {
  return new InferoxError(ErrorCode.DISPOSED, `model ${quoteValue(handle.name)} (${handle.backend}) was disposed`, { details: { model: handle.name } });
}

/**
 * The context a runner gets: the caller's signal (or, on the internal entry, the stop source's, made only when read)
 * and the stop check. A class rather than a literal with a closure: one allocation per run.
 */
class HandleRunContext implements RunContext {
  readonly #handle: ManagedModelHandle;
  readonly #signal: AbortSignal | undefined;
  readonly #stop: StopSource | undefined;

  constructor(handle: ManagedModelHandle, signal: AbortSignal | undefined, stop: StopSource | undefined) {
    this.#handle = handle;
    this.#signal = signal;
    this.#stop = stop;
  }

  get signal(): AbortSignal | undefined {
    return this.#stop ? this.#stop.signal : this.#signal;
  }

  throwIfStopped(): void {
    const handle = this.#handle;
    if (handle.disposed) throw disposedError(handle);
    const signal = this.signal;
    if (signal?.aborted) throw abortError(signal, `${handle.backend} run of ${handle.name}`);
  }
}

/** What a {@link ManagedModelHandle} is made of: the model's description and the backend's runner. */
export interface ManagedModelHandleInit {
  readonly name: string;
  /** The backend's name (`onnx`, `tfjs`). */
  readonly backend: string;
  readonly device: Device;
  /** Declared inputs (with their limits and value ranges) and outputs. */
  readonly signature: ModelSignature;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly memoryBytes: number;
  readonly runner: ModelRunner;
  /** See {@link ModelHandle.runsInFlight}. @defaultValue 1 */
  readonly runsInFlight?: number;
  /** See {@link ModelHandle.batchable}: only for a signature with a batch dimension (`batchDimOf`). @defaultValue false */
  readonly batchable?: boolean;
  /** Where a failed release is reported (dispose itself still resolves). @defaultValue `noopLogger` */
  readonly logger?: Logger;
  /** Called once, when `dispose()` is first called (a backend forgets the handle there). */
  readonly onDispose?: (handle: ManagedModelHandle) => void;
}

/**
 * The one {@link ModelHandle} behaviour every backend shares, over a backend's {@link ModelRunner} (as
 * onnxruntime-common's `InferenceSession` sits over a session handler). It owns, in this order: use after dispose
 * (`DISPOSED`), the options' shape (`INVALID_INPUT`), an already aborted signal (`CANCELLED`, even when the feeds are
 * also bad), the feeds against the signature with its limits and value ranges (`INVALID_INPUT`), the output
 * selection (unknown name or empty list `INVALID_INPUT`, a name given twice computed and returned once), and the
 * dispose state (the first `dispose()` waits for the runs in flight then releases; every later call returns that
 * same promise).
 *
 * @example
 * ```ts
 * const handle = new ManagedModelHandle({ name: 'bert', backend: 'onnx', device: { kind: 'cpu' }, signature,
 *   memoryBytes, runner: { run: (feeds, outputs, context) => ..., release: () => session.release() } });
 * ```
 */
export class ManagedModelHandle implements ModelHandle {
  readonly name: string;
  readonly backend: string;
  readonly device: Device;
  readonly signature: ModelSignature;
  readonly metadata: Readonly<Record<string, string>>;
  readonly memoryBytes: number;
  readonly runsInFlight: number;
  readonly batchable: boolean;
  readonly #runner: ModelRunner;
  readonly #logger: Logger;
  readonly #onDispose: ((handle: ManagedModelHandle) => void) | undefined;
  readonly #outputNames: readonly string[];
  /** Runs under way: `dispose` waits for them, woken by `#whenIdle` when the count comes back to 0. */
  #inFlight = 0;
  #whenIdle: (() => void) | undefined;
  #disposing: Promise<void> | undefined;

  constructor(init: ManagedModelHandleInit) {
    this.name = init.name;
    this.backend = init.backend;
    this.device = init.device;
    this.signature = init.signature;
    this.metadata = Object.freeze({ ...init.metadata });
    this.memoryBytes = init.memoryBytes;
    this.runsInFlight = checkRunsInFlight(init.runsInFlight ?? 1, `model ${quoteValue(init.name)} (${init.backend})`);
    this.batchable = checkBatchable(init.batchable, init.signature, `model ${quoteValue(init.name)} (${init.backend})`);
    this.#runner = init.runner;
    this.#logger = init.logger ?? noopLogger;
    this.#onDispose = init.onDispose;
    this.#outputNames = init.signature.outputs.map((s) => s.name);
  }

  /** Whether `dispose()` was called (runs already under way may still be finishing). */
  get disposed(): boolean {
    return this.#disposing !== undefined;
  }

  /**
   * Validates, then hands the run to the backend's runner.
   *
   * @returns new tensors, one per requested output, owned by the caller.
   * @throws InferoxError `DISPOSED`, `INVALID_INPUT`, `CANCELLED`, and whatever the runner throws (`BACKEND_ERROR`).
   */
  run(feeds: TensorMap, options?: RunOptions): Promise<Record<string, Tensor>> {
    try {
      if (this.#disposing) throw disposedError(this);
      const { signal, outputs } = checkRunOptions(options);
      if (signal?.aborted) throw abortError(signal, `${this.backend} run of ${this.name}`);
      validateFeeds(this.signature, feeds);
      return this.#start(feeds, this.#select(outputs), new HandleRunContext(this, signal, undefined));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The engine's entry (not public API): every output, no options to check, and the stop signal read from `stop` only
   * when the runner asks for it (an inline run that never does costs no AbortController). The caller guarantees `stop`
   * has not fired yet. With `validated` the caller vouches that `feeds` passed {@link validateFeeds} against this very
   * `signature` and are not modified since, so they are not checked twice.
   *
   * @throws InferoxError `DISPOSED`, `INVALID_INPUT` (unless `validated`) and whatever the runner throws.
   */
  [RUN_CHECKED](feeds: TensorMap, stop: StopSource | undefined, validated: boolean): Promise<Record<string, Tensor>> {
    try {
      if (this.#disposing) throw disposedError(this);
      if (!validated) validateFeeds(this.signature, feeds);
      return this.#start(feeds, this.#outputNames, new HandleRunContext(this, undefined, stop));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #start(feeds: TensorMap, names: readonly string[], context: RunContext): Promise<Record<string, Tensor>> {
    const running = this.#runner.run(feeds, names, context);
    this.#inFlight += 1;
    // One handler for every run rather than a closure per run: this is on every request's path.
    running.then(this.#ended, this.#ended);
    return running;
  }

  readonly #ended = (): void => {
    this.#inFlight -= 1;
    if (this.#inFlight === 0) this.#whenIdle?.();
  };

  /** Waits for the runs in flight, then releases the runner. Idempotent: every call returns the same promise. */
  dispose(): Promise<void> {
    this.#disposing ??= this.#release();
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  async #release(): Promise<void> {
    this.#onDispose?.(this);
    // No run starts once disposing, so the count only falls from here.
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#whenIdle = resolve));
    try {
      await this.#runner.release();
    } catch (error) {
      this.#logger.warn('model release failed', { model: this.name, backend: this.backend, error: (error as Error)?.message ?? String(error) });
    }
  }

  #select(requested: readonly string[] | undefined): readonly string[] {
    if (requested === undefined) return this.#outputNames;
    if (requested.length === 0) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `options.outputs is empty; name at least one of ${this.#listOutputs()} or leave it out for all`, {
        details: { option: 'outputs' },
      });
    }
    for (const name of requested) {
      if (!this.#outputNames.includes(name)) {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `unknown output ${quoteValue(name)} of model ${quoteValue(this.name)}; it has ${this.#listOutputs()}`, {
          details: { output: cutText(name), expected: this.#outputNames },
        });
      }
    }
    return requested.length === 1 ? requested : [...new Set(requested)];
  }

  #listOutputs(): string {
    return this.#outputNames.map((n) => quoteValue(n)).join(', ');
  }
}

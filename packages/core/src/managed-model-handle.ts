import { abortError } from './abort';
import type { Device } from './device';
import { ErrorCode } from './error-codes';
import { InferoxError } from './inferox-error';
import { checkRunOptions } from './internal/run-options';
import { type Logger, noopLogger } from './logger';
import type { ModelHandle, ModelSignature, RunOptions } from './model-handle';
import type { ModelRunner, RunContext } from './model-runner';
import { cutText, quoteValue } from './quote-value';
import type { Tensor, TensorMap } from './tensor';
import { validateFeeds } from './validate-feeds';

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
  readonly #runner: ModelRunner;
  readonly #logger: Logger;
  readonly #onDispose: ((handle: ManagedModelHandle) => void) | undefined;
  readonly #outputNames: readonly string[];
  readonly #running = new Set<Promise<unknown>>();
  #disposing: Promise<void> | undefined;

  constructor(init: ManagedModelHandleInit) {
    this.name = init.name;
    this.backend = init.backend;
    this.device = init.device;
    this.signature = init.signature;
    this.metadata = Object.freeze({ ...init.metadata });
    this.memoryBytes = init.memoryBytes;
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
      if (this.#disposing) throw this.#disposedError();
      const { signal, outputs } = checkRunOptions(options);
      if (signal?.aborted) throw abortError(signal, `${this.backend} run of ${this.name}`);
      validateFeeds(this.signature, feeds);
      const names = this.#select(outputs);
      const context: RunContext = {
        signal,
        throwIfStopped: () => {
          if (this.#disposing) throw this.#disposedError();
          if (signal?.aborted) throw abortError(signal, `${this.backend} run of ${this.name}`);
        },
      };
      const running = this.#runner.run(feeds, names, context);
      this.#running.add(running);
      const forget = (): void => {
        this.#running.delete(running);
      };
      running.then(forget, forget);
      return running;
    } catch (error) {
      return Promise.reject(error);
    }
  }

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
    await Promise.allSettled([...this.#running]);
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

  #disposedError(): InferoxError {
    return new InferoxError(ErrorCode.DISPOSED, `model ${quoteValue(this.name)} (${this.backend}) was disposed`, { details: { model: this.name } });
  }
}

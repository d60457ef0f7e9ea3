import {
  type Device,
  ErrorCode,
  InferoxError,
  type ModelHandle,
  type ModelSignature,
  type RunOptions,
  type Tensor,
  type TensorMap,
  abortError,
  throwIfAborted,
  toInferoxError,
  validateFeeds,
} from '@inferox/core';
import { withEngineLock } from './engine-lock';
import { fromTfTensor, toTfTensor } from './tensor-convert';
import type { TfTensorMap, TfjsExecutor } from './tfjs-executor';
import type { Tf, TfTensor } from './tf-module';

/** What a {@link TfjsModelHandle} is made of. */
export interface TfjsModelHandleInit {
  readonly tf: Tf;
  readonly name: string;
  readonly device: Device;
  readonly signature: ModelSignature;
  readonly metadata: Readonly<Record<string, string>>;
  readonly memoryBytes: number;
  readonly executor: TfjsExecutor;
  /** The tfjs backend name the model's weights live on; a run refuses to start when tfjs was switched away. */
  readonly tfjsBackend: string;
  /** Called once when the handle is disposed. */
  readonly onDispose?: (handle: TfjsModelHandle) => void;
}

/** A model loaded on the tfjs backend: validates feeds, runs inside `tf.tidy`, returns Inferox tensors. */
export class TfjsModelHandle implements ModelHandle {
  readonly backend = 'tfjs';
  readonly name: string;
  readonly device: Device;
  readonly signature: ModelSignature;
  readonly metadata: Readonly<Record<string, string>>;
  readonly memoryBytes: number;
  readonly #tf: Tf;
  readonly #executor: TfjsExecutor;
  readonly #tfjsBackend: string;
  readonly #onDispose: ((handle: TfjsModelHandle) => void) | undefined;
  #disposed = false;

  constructor(init: TfjsModelHandleInit) {
    this.name = init.name;
    this.device = init.device;
    this.signature = init.signature;
    this.metadata = Object.freeze({ ...init.metadata });
    this.memoryBytes = init.memoryBytes;
    this.#tf = init.tf;
    this.#executor = init.executor;
    this.#tfjsBackend = init.tfjsBackend;
    this.#onDispose = init.onDispose;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  async run(feeds: TensorMap, options?: RunOptions): Promise<Record<string, Tensor>> {
    const what = `tfjs run of ${this.name}`;
    if (this.#disposed) throw this.#disposedError();
    throwIfAborted(options?.signal, what);
    validateFeeds(this.signature, feeds);
    this.#executor.validate?.(feeds);
    const names = this.#outputNames(options?.outputs);
    const tf = this.#tf;
    if (tf.getBackend() !== this.#tfjsBackend) {
      throw new InferoxError(
        ErrorCode.BACKEND_ERROR,
        `${what}: tfjs' active backend is ${JSON.stringify(tf.getBackend())}, not ${JSON.stringify(this.#tfjsBackend)} where the model was loaded; something outside Inferox switched it`,
        { details: { expected: this.#tfjsBackend, active: tf.getBackend() } },
      );
    }
    const results = await this.#compute(feeds, names, what, options?.signal);
    try {
      if (options?.signal?.aborted) throw abortError(options.signal, what);
      const outputs: Record<string, Tensor> = {};
      for (let i = 0; i < names.length; i++) outputs[names[i]!] = await fromTfTensor(names[i]!, results[i]!);
      return outputs;
    } finally {
      tf.dispose(results);
    }
  }

  /** Frees the weights once the runs already holding tfjs' engine are done; runs still waiting reject `DISPOSED`. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#onDispose?.(this);
    await withEngineLock(() => this.#executor.dispose());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #disposedError(): InferoxError {
    return new InferoxError(ErrorCode.DISPOSED, `model ${JSON.stringify(this.name)} was disposed`);
  }

  #outputNames(requested: readonly string[] | undefined): readonly string[] {
    const declared = this.signature.outputs.map((s) => s.name);
    if (requested === undefined) return declared;
    for (const name of requested) {
      if (!declared.includes(name)) {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `unknown output ${JSON.stringify(name)}; model ${JSON.stringify(this.name)} has ${declared.map((n) => JSON.stringify(n)).join(', ')}`, {
          details: { output: name, expected: declared },
        });
      }
    }
    return requested;
  }

  #convert(feeds: TensorMap): TfTensorMap {
    const inputs: TfTensorMap = {};
    for (const spec of this.signature.inputs) inputs[spec.name] = toTfTensor(this.#tf, spec, feeds[spec.name]!);
    return inputs;
  }

  #compute(feeds: TensorMap, names: readonly string[], what: string, signal: AbortSignal | undefined): Promise<TfTensor[]> {
    const tf = this.#tf;
    const executor = this.#executor;
    return withEngineLock(async () => {
      // Waiting for the lock may have outlived the handle or the caller's interest.
      if (this.#disposed) throw this.#disposedError();
      throwIfAborted(signal, what);
      if (!executor.needsAsync) {
        try {
          return tf.tidy(() => executor.execute(this.#convert(feeds), names));
        } catch (error) {
          if (!executor.needsAsync) throw toInferoxError(error, ErrorCode.BACKEND_ERROR, what);
        }
      }
      // tfjs' executeAsync frees nothing when it fails; the scope frees everything but the results either way.
      let results: TfTensor[] | undefined;
      tf.engine().startScope();
      try {
        results = await executor.executeAsync!(this.#convert(feeds), names);
        return results;
      } catch (error) {
        throw toInferoxError(error, ErrorCode.BACKEND_ERROR, what);
      } finally {
        tf.engine().endScope(results);
      }
    });
  }
}

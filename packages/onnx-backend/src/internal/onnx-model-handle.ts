import {
  type Device,
  ErrorCode,
  InferoxError,
  type Logger,
  type ModelHandle,
  type ModelSignature,
  type RunOptions,
  type Tensor,
  type TensorMap,
  throwIfAborted,
  validateFeeds,
} from '@inferox/core';
import type * as Ort from 'onnxruntime-node';
import type { OrtModule } from './load-ort';
import { fromOrtTensor, toOrtTensor } from './ort-tensor';

/** What a handle is made of. */
export interface OnnxModelHandleInit {
  readonly ort: OrtModule;
  readonly session: Ort.InferenceSession;
  readonly name: string;
  readonly device: Device;
  readonly signature: ModelSignature;
  readonly metadata: Readonly<Record<string, string>>;
  readonly memoryBytes: number;
  readonly logger: Logger;
  /** Called once, when the handle is disposed. */
  readonly onDispose: (handle: OnnxModelHandle) => void;
}

/** A model loaded into an onnxruntime session. */
export class OnnxModelHandle implements ModelHandle {
  readonly backend = 'onnx';
  readonly name: string;
  readonly device: Device;
  readonly signature: ModelSignature;
  readonly metadata: Readonly<Record<string, string>>;
  readonly memoryBytes: number;
  readonly #init: OnnxModelHandleInit;
  readonly #outputNames: ReadonlySet<string>;
  readonly #running = new Set<Promise<unknown>>();
  #disposing: Promise<void> | undefined;

  constructor(init: OnnxModelHandleInit) {
    this.#init = init;
    this.name = init.name;
    this.device = init.device;
    this.signature = init.signature;
    this.metadata = init.metadata;
    this.memoryBytes = init.memoryBytes;
    this.#outputNames = new Set(init.signature.outputs.map((o) => o.name));
  }

  get disposed(): boolean {
    return this.#disposing !== undefined;
  }

  async run(feeds: TensorMap, options: RunOptions | undefined = {}): Promise<Record<string, Tensor>> {
    options ??= {};
    if (this.#disposing) throw new InferoxError(ErrorCode.DISPOSED, `model ${JSON.stringify(this.name)} (onnx) was disposed`);
    validateFeeds(this.signature, feeds);
    const fetches = this.#fetches(options.outputs);
    throwIfAborted(options.signal, `onnx run of ${this.name}`);
    const { ort, session } = this.#init;
    const ortFeeds: Record<string, Ort.Tensor> = {};
    for (const spec of this.signature.inputs) ortFeeds[spec.name] = toOrtTensor(ort, spec.name, feeds[spec.name]!);
    const running = session.run(ortFeeds, fetches);
    this.#running.add(running);
    let results: Ort.InferenceSession.ReturnType;
    try {
      results = await running;
    } catch (error) {
      throw new InferoxError(ErrorCode.BACKEND_ERROR, `onnx run of ${JSON.stringify(this.name)} failed: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
        details: { model: this.name },
      });
    } finally {
      this.#running.delete(running);
    }
    const outputs: Record<string, Tensor> = {};
    for (const name of fetches) outputs[name] = fromOrtTensor(name, results[name]!);
    return outputs;
  }

  #fetches(wanted: readonly string[] | undefined): string[] {
    if (wanted === undefined) return [...this.#outputNames];
    if (!Array.isArray(wanted)) throw new InferoxError(ErrorCode.INVALID_INPUT, 'options.outputs must be an array of output names', { details: { option: 'outputs' } });
    for (const name of wanted) {
      if (!this.#outputNames.has(name)) {
        throw new InferoxError(
          ErrorCode.INVALID_INPUT,
          `unknown output ${JSON.stringify(name)} of model ${JSON.stringify(this.name)}; it has ${[...this.#outputNames].map((n) => JSON.stringify(n)).join(', ')}`,
          { details: { output: name } },
        );
      }
    }
    return [...new Set(wanted)];
  }

  /** Waits for runs in flight, then releases the session. Idempotent. */
  dispose(): Promise<void> {
    this.#disposing ??= this.#release();
    return this.#disposing;
  }

  async #release(): Promise<void> {
    this.#init.onDispose(this);
    await Promise.allSettled([...this.#running]);
    try {
      await this.#init.session.release();
    } catch (error) {
      this.#init.logger.warn('onnx session release failed', { model: this.name, error: (error as Error)?.message });
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

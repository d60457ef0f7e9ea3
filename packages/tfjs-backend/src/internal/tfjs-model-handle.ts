import {
  type Device,
  ErrorCode,
  InferoxError,
  ManagedModelHandle,
  type ModelRunner,
  type ModelSignature,
  type RunContext,
  type Tensor,
  type TensorMap,
  toInferoxError,
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

/**
 * The tfjs part of a handle: under tfjs' engine lock, feeds to tfjs tensors, the executor inside `tf.tidy` (or a
 * scope for asynchronous graphs), outputs read back and freed. A run still waiting for the lock when the handle is
 * disposed or its signal aborts rejects `DISPOSED` / `CANCELLED` without computing; the weights are freed through
 * the same lock, after the runs already computing.
 */
function tfjsRunner(init: TfjsModelHandleInit): ModelRunner {
  const { tf, executor, signature, name } = init;
  const convert = (feeds: TensorMap): TfTensorMap => {
    const inputs: TfTensorMap = {};
    for (const spec of signature.inputs) inputs[spec.name] = toTfTensor(tf, spec, feeds[spec.name]!);
    return inputs;
  };
  const compute = (feeds: TensorMap, names: readonly string[], what: string, context: RunContext): Promise<TfTensor[]> =>
    withEngineLock(async () => {
      // Waiting for the lock may have outlived the handle or the caller's interest.
      context.throwIfStopped();
      if (!executor.needsAsync) {
        try {
          return tf.tidy(() => executor.execute(convert(feeds), names));
        } catch (error) {
          if (!executor.needsAsync) throw toInferoxError(error, ErrorCode.BACKEND_ERROR, what);
        }
      }
      // tfjs' executeAsync frees nothing when it fails; the scope frees everything but the results either way.
      let results: TfTensor[] | undefined;
      tf.engine().startScope();
      try {
        results = await executor.executeAsync!(convert(feeds), names);
        return results;
      } catch (error) {
        throw toInferoxError(error, ErrorCode.BACKEND_ERROR, what);
      } finally {
        tf.engine().endScope(results);
      }
    });
  return {
    async run(feeds: TensorMap, names: readonly string[], context: RunContext): Promise<Record<string, Tensor>> {
      const what = `tfjs run of ${name}`;
      if (tf.getBackend() !== init.tfjsBackend) {
        throw new InferoxError(
          ErrorCode.BACKEND_ERROR,
          `${what}: tfjs' active backend is ${JSON.stringify(tf.getBackend())}, not ${JSON.stringify(init.tfjsBackend)} where the model was loaded; something outside Inferox switched it`,
          { details: { expected: init.tfjsBackend, active: tf.getBackend() } },
        );
      }
      const results = await compute(feeds, names, what, context);
      try {
        const outputs: Record<string, Tensor> = {};
        for (let i = 0; i < names.length; i++) outputs[names[i]!] = await fromTfTensor(names[i]!, results[i]!);
        return outputs;
      } finally {
        tf.dispose(results);
      }
    },
    release: () => withEngineLock(() => executor.dispose()),
  };
}

/** A model loaded on the tfjs backend: core's {@link ManagedModelHandle} over the tfjs runner. */
export class TfjsModelHandle extends ManagedModelHandle {
  constructor(init: TfjsModelHandleInit) {
    const onDispose = init.onDispose;
    super({
      name: init.name,
      backend: 'tfjs',
      device: init.device,
      signature: init.signature,
      metadata: init.metadata,
      memoryBytes: init.memoryBytes,
      runner: tfjsRunner(init),
      ...(onDispose ? { onDispose: (handle: ManagedModelHandle) => onDispose(handle as TfjsModelHandle) } : {}),
    });
  }
}

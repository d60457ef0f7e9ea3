import type { SignalOptions } from '@inferox/core';
import { expectModelSourceKind, resolveModelSource } from '@inferox/hf-checkpoint';
import { buildCheckpoint } from './internal/build-checkpoint';

/** Options of {@link exportOnnx}. */
export interface ExportOnnxOptions extends SignalOptions {
  /** The opset to write, 17..26 (LayerNormalization needs 17). @defaultValue 17 */
  readonly opset?: number;
}

/**
 * Writes a Hugging Face checkpoint folder (`config.json` + `model.safetensors`, or shards with
 * `model.safetensors.index.json`) as an ONNX model, weights inline as float32 initializers, using the architecture
 * `@inferox/hf-checkpoint`'s table lists for its `model_type` (`bert`, `inferox-mlp`). Save the bytes as `model.onnx` to load the
 * model anywhere onnxruntime runs.
 *
 * @param checkpointDir - the checkpoint folder.
 * @returns the `ModelProto` bytes (owned by the caller).
 * @throws InferoxError `PACKAGE_INVALID` naming the file, config field or tensor the architecture cannot serve;
 * `INVALID_INPUT` for a bad `opset` or a folder that does not exist; `CANCELLED` when `signal` aborts.
 * @example
 * ```ts
 * await writeFile('bert.onnx', await exportOnnx('fixtures/tiny-bert-hf'));
 * ```
 */
export async function exportOnnx(checkpointDir: string, options: ExportOnnxOptions = {}): Promise<Uint8Array> {
  // The same source rules as loadModel: a missing folder or a link loop is INVALID_INPUT naming it.
  const source = await resolveModelSource({ path: checkpointDir, format: 'hf-checkpoint' }, options.signal ? { signal: options.signal } : {});
  return (await buildCheckpoint(expectModelSourceKind(source, ['hf-checkpoint'], 'exportOnnx').dir, options)).bytes;
}

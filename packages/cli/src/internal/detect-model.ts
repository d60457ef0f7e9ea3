import { ErrorCode, InferoxError } from '@inferox/core';
import { CHECKPOINT_ARCHITECTURES, backendsBuilding, readCheckpointConfig, resolveModelSource } from '@inferox/hf-checkpoint';

/** What a `<model>` argument is, and the backends that can serve it. */
export type DetectedModel =
  | { readonly kind: 'package'; readonly path: string; readonly name: string }
  | { readonly kind: 'hf-checkpoint'; readonly path: string; readonly name: string; readonly backends: readonly string[] }
  | { readonly kind: 'onnx'; readonly path: string; readonly name: string; readonly backends: readonly string[] }
  | { readonly kind: 'tfjs'; readonly path: string; readonly name: string; readonly backends: readonly string[] };

/**
 * Tells what `path` holds with `@inferox/hf-checkpoint`'s `resolveModelSource` (an Inferox package, a Hugging Face
 * checkpoint, an `.onnx` file or a folder with `model.onnx`, a TF.js model), and for a checkpoint which backends
 * build its `model_type` from the architecture table.
 *
 * @throws InferoxError `INVALID_INPUT` naming the path when it does not exist or is a link loop; `PACKAGE_INVALID`
 * when it holds no model, or a checkpoint whose `model_type` no backend builds.
 */
export async function detectModel(path: string): Promise<DetectedModel> {
  const source = await resolveModelSource(path);
  switch (source.kind) {
    case 'package':
      return { kind: 'package', path: source.dir, name: source.name };
    case 'onnx':
      return { kind: 'onnx', path: source.file, name: source.name, backends: ['onnx'] };
    case 'tfjs':
      return { kind: 'tfjs', path: source.dir, name: source.name, backends: ['tfjs'] };
    case 'hf-checkpoint': {
      const config = await readCheckpointConfig(source.dir);
      const backends = backendsBuilding(config.modelType);
      if (backends.length === 0) {
        throw new InferoxError(
          ErrorCode.PACKAGE_INVALID,
          `${config.file}: model_type ${JSON.stringify(config.modelType)} is built by no backend; built: ${[...CHECKPOINT_ARCHITECTURES.keys()].join(', ')} (pack an ONNX export with inferox pack)`,
          { details: { file: config.file, field: 'model_type' } },
        );
      }
      return { kind: 'hf-checkpoint', path: source.dir, name: source.name, backends };
    }
  }
}

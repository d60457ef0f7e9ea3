import { ErrorCode, InferoxError, type ModelSource } from '@inferox/core';
import { expectModelSourceKind, resolveModelSource } from '@inferox/hf-checkpoint';

/** A model source the ONNX backend loads. */
export type OnnxSource =
  | { readonly kind: 'onnx-file'; readonly path: string; readonly name: string; readonly bytes: number }
  | { readonly kind: 'onnx-bytes'; readonly bytes: Uint8Array; readonly name: string }
  | { readonly kind: 'checkpoint'; readonly dir: string; readonly name: string };

const FORMATS = ['onnx', 'hf-checkpoint'];

function invalid(message: string, option: string): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, message, { details: { option } });
}

/**
 * Works out what the ONNX backend is asked to load: ONNX bytes here, any path through `@inferox/hf-checkpoint`'s
 * `resolveModelSource` (an `.onnx` file, a folder with `model.onnx`, a checkpoint folder or its `config.json`).
 *
 * @throws InferoxError `INVALID_INPUT` for a malformed source, a format the backend does not load, a path that does
 * not exist, or a package/TF.js source; `PACKAGE_INVALID` for a path holding no model.
 */
export async function onnxSource(source: ModelSource, signal?: AbortSignal): Promise<OnnxSource> {
  if (typeof source === 'object' && source !== null && 'bytes' in source) {
    if (!(source.bytes instanceof Uint8Array)) throw invalid('source.bytes must be a Uint8Array', 'source.bytes');
    if (source.format !== undefined && source.format !== 'onnx') {
      throw invalid(`source.format ${JSON.stringify(source.format)} cannot be loaded from bytes by the onnx backend; only "onnx"`, 'source.format');
    }
    return { kind: 'onnx-bytes', bytes: source.bytes, name: typeof source.name === 'string' && source.name !== '' ? source.name : 'model' };
  }
  const format = typeof source === 'object' && source !== null ? (source as { format?: unknown }).format : undefined;
  if (format !== undefined && !FORMATS.includes(format as string)) {
    throw invalid(`source.format ${JSON.stringify(format)} is not one the onnx backend loads; expected "onnx" or "hf-checkpoint"`, 'source.format');
  }
  const resolved = expectModelSourceKind(await resolveModelSource(source as string, signal ? { signal } : {}), ['hf-checkpoint', 'onnx'], 'the onnx backend');
  return resolved.kind === 'onnx'
    ? { kind: 'onnx-file', path: resolved.file, name: resolved.name, bytes: resolved.bytes }
    : { kind: 'checkpoint', dir: resolved.dir, name: resolved.name };
}

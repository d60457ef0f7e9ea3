import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ErrorCode, InferoxError, type ModelSource } from '@inferox/core';

/** A model source the ONNX backend understands. */
export type ResolvedSource =
  | { readonly kind: 'onnx-file'; readonly path: string; readonly name: string; readonly bytes: number }
  | { readonly kind: 'onnx-bytes'; readonly bytes: Uint8Array; readonly name: string }
  | { readonly kind: 'checkpoint'; readonly dir: string; readonly name: string };

function invalid(message: string, details: Record<string, unknown>): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, message, { details });
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT' || (error as { code?: unknown }).code === 'ENOTDIR') return undefined;
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${path}: cannot read: ${(error as Error).message}`, { cause: error, details: { file: path } });
  }
}

const stem = (path: string): string => basename(path, extname(path)) || basename(path);

/**
 * Works out what a {@link ModelSource} is: an ONNX file, ONNX bytes, or a Hugging Face checkpoint folder (a folder
 * with `config.json`; a folder with only `model.onnx` loads that file).
 *
 * @throws InferoxError `INVALID_INPUT` for a malformed source, an unsupported format or a path that does not exist;
 * `PACKAGE_INVALID` for a folder holding neither `config.json` nor `model.onnx`.
 */
export async function resolveSource(source: ModelSource): Promise<ResolvedSource> {
  if (typeof source === 'object' && source !== null && 'bytes' in source) {
    if (!(source.bytes instanceof Uint8Array)) throw invalid('source.bytes must be a Uint8Array', { option: 'source.bytes' });
    if (source.format !== undefined && source.format !== 'onnx') {
      throw invalid(`source.format ${JSON.stringify(source.format)} cannot be loaded from bytes by the onnx backend; only "onnx"`, { option: 'source.format' });
    }
    return { kind: 'onnx-bytes', bytes: source.bytes, name: typeof source.name === 'string' && source.name !== '' ? source.name : 'model' };
  }
  const path = typeof source === 'string' ? source : (source as { path?: unknown } | null)?.path;
  const format = typeof source === 'object' && source !== null ? (source as { format?: unknown }).format : undefined;
  if (typeof path !== 'string' || path === '') throw invalid('a model source must be a path, { path } or { bytes }', { option: 'source' });
  if (format !== undefined && format !== 'onnx' && format !== 'hf-checkpoint') {
    throw invalid(`source.format ${JSON.stringify(format)} is not one the onnx backend loads; expected "onnx" or "hf-checkpoint"`, { option: 'source.format' });
  }
  const info = await statOrUndefined(path);
  if (!info) throw invalid(`model path ${path} does not exist`, { path });
  if (info.isDirectory()) {
    const config = await statOrUndefined(join(path, 'config.json'));
    const onnx = join(path, 'model.onnx');
    const onnxInfo = format === 'hf-checkpoint' ? undefined : await statOrUndefined(onnx);
    if (config && format !== 'onnx') return { kind: 'checkpoint', dir: path, name: basename(path) };
    if (onnxInfo?.isFile()) return { kind: 'onnx-file', path: onnx, name: basename(path), bytes: onnxInfo.size };
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${path}: folder holds neither config.json (a Hugging Face checkpoint) nor model.onnx`, { details: { file: path } });
  }
  if (format === 'hf-checkpoint') {
    if (basename(path) === 'config.json') return { kind: 'checkpoint', dir: join(path, '..'), name: basename(join(path, '..')) };
    throw invalid(`${path} is a file; a hf-checkpoint source is a folder with config.json`, { path });
  }
  return { kind: 'onnx-file', path, name: stem(path), bytes: info.size };
}

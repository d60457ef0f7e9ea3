import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ErrorCode, InferoxError } from '@inferox/core';

/** What a `<model>` argument is, and the backends that can serve it. */
export type DetectedModel =
  | { readonly kind: 'package'; readonly path: string; readonly name: string }
  | { readonly kind: 'hf-checkpoint'; readonly path: string; readonly name: string; readonly backends: readonly string[] }
  | { readonly kind: 'onnx'; readonly path: string; readonly name: string; readonly backends: readonly string[] }
  | { readonly kind: 'tfjs'; readonly path: string; readonly name: string; readonly backends: readonly string[] };

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/**
 * Tells what `path` holds: an Inferox package (metadata.json), a Hugging Face checkpoint (config.json), an `.onnx`
 * file (or a folder with model.onnx), or a TF.js model (model.json or a folder with one).
 *
 * @throws InferoxError `INVALID_INPUT` naming the path when it does not exist or is none of these.
 */
export async function detectModel(path: string): Promise<DetectedModel> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InferoxError(ErrorCode.INVALID_INPUT, `model ${JSON.stringify(path)} does not exist`, { details: { path } });
  const name = basename(path).replace(/\.(onnx|json)$/, '') || 'model';
  if (info.isFile()) {
    if (path.endsWith('.onnx')) return { kind: 'onnx', path, name, backends: ['onnx'] };
    if (basename(path) === 'model.json') return { kind: 'tfjs', path: dirname(path), name: basename(dirname(path)), backends: ['tfjs'] };
  } else if (info.isDirectory()) {
    if (await isFile(join(path, 'metadata.json'))) return { kind: 'package', path, name };
    if (await isFile(join(path, 'config.json'))) return { kind: 'hf-checkpoint', path, name, backends: ['onnx', 'tfjs'] };
    if (await isFile(join(path, 'model.json'))) return { kind: 'tfjs', path, name, backends: ['tfjs'] };
    if (await isFile(join(path, 'model.onnx'))) return { kind: 'onnx', path: join(path, 'model.onnx'), name, backends: ['onnx'] };
  }
  throw new InferoxError(
    ErrorCode.INVALID_INPUT,
    `cannot tell what model ${JSON.stringify(path)} is: expected a package folder (metadata.json), a Hugging Face checkpoint folder (config.json), an .onnx file or a TF.js model.json`,
    { details: { path } },
  );
}

import { ErrorCode, InferoxError, type ModelSource } from '@inferox/core';
import { expectModelSourceKind, resolveModelSource } from '@inferox/hf-checkpoint';

/** A source the tfjs backend knows how to load. */
export type TfjsSource =
  | { readonly kind: 'hf-checkpoint'; readonly dir: string; readonly name: string }
  | { readonly kind: 'tfjs'; readonly modelJson: string; readonly name: string; readonly expect?: 'graph' | 'layers' };

const FORMATS = ['hf-checkpoint', 'tfjs-graph', 'tfjs-layers'];

/**
 * Works out what the tfjs backend is asked to load, through `@inferox/hf-checkpoint`'s `resolveModelSource`: a
 * Hugging Face checkpoint (a folder with `config.json`, or that file) or a TF.js `model.json` (the file or its
 * folder). An explicit `format` is honoured.
 *
 * @throws InferoxError `INVALID_INPUT` for bytes sources, a format the tfjs backend does not load, a path that does
 * not exist or is a link loop, or a package/ONNX source; `PACKAGE_INVALID` naming a path that holds no model.
 */
export async function tfjsSource(source: ModelSource, signal?: AbortSignal): Promise<TfjsSource> {
  if (typeof source !== 'string' && (typeof source !== 'object' || source === null || !('path' in source) || typeof source.path !== 'string')) {
    const name = typeof source === 'object' && source !== null && 'name' in source ? ` (${String(source.name)})` : '';
    throw new InferoxError(ErrorCode.INVALID_INPUT, `the tfjs backend loads models from a path (a checkpoint folder or a model.json); got a bytes source${name}`);
  }
  const format = typeof source === 'string' ? undefined : source.format;
  if (format !== undefined && !FORMATS.includes(format)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `format ${JSON.stringify(format)} is not one the tfjs backend loads (${FORMATS.join(', ')})`, { details: { format } });
  }
  const resolved = expectModelSourceKind(await resolveModelSource(source, signal ? { signal } : {}), ['hf-checkpoint', 'tfjs'], 'the tfjs backend');
  return resolved.kind === 'tfjs'
    ? { kind: 'tfjs', modelJson: resolved.modelJson, name: resolved.name, ...(resolved.expect ? { expect: resolved.expect } : {}) }
    : { kind: 'hf-checkpoint', dir: resolved.dir, name: resolved.name };
}

import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ErrorCode, InferoxError, type ModelSource } from '@inferox/core';

/** A source the tfjs backend knows how to load. */
export type ResolvedSource =
  | { readonly kind: 'hf-checkpoint'; readonly dir: string }
  | { readonly kind: 'tfjs'; readonly modelJson: string; readonly expect?: 'graph' | 'layers' };

const FORMATS = ['hf-checkpoint', 'tfjs-graph', 'tfjs-layers'];

async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  return stat(path).then(
    (s) => (s.isDirectory() ? 'dir' : 'file'),
    () => undefined,
  );
}

/**
 * Works out what a source is: a Hugging Face checkpoint folder (with `config.json`), or a TF.js `model.json` (the
 * file or its folder). An explicit `format` is honoured.
 *
 * @throws InferoxError `INVALID_INPUT` for bytes sources or a format the tfjs backend does not load;
 * `PACKAGE_INVALID` naming the path when it does not exist or holds neither kind of model.
 */
export async function resolveSource(source: ModelSource): Promise<ResolvedSource> {
  if (typeof source !== 'string' && (typeof source !== 'object' || source === null || !('path' in source) || typeof source.path !== 'string')) {
    const name = typeof source === 'object' && source !== null && 'name' in source ? ` (${String(source.name)})` : '';
    throw new InferoxError(ErrorCode.INVALID_INPUT, `the tfjs backend loads models from a path (a checkpoint folder or a model.json); got a bytes source${name}`);
  }
  const path = typeof source === 'string' ? source : source.path;
  const format = typeof source === 'string' ? undefined : source.format;
  if (format !== undefined && !FORMATS.includes(format)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `format ${JSON.stringify(format)} is not one the tfjs backend loads (${FORMATS.join(', ')})`, { details: { format } });
  }
  const kind = await kindOf(path);
  if (kind === undefined) throw new InferoxError(ErrorCode.PACKAGE_INVALID, `model source ${path} does not exist`, { details: { file: path } });
  const dir = kind === 'dir' ? path : dirname(path);
  const expect = format === 'tfjs-graph' ? 'graph' : format === 'tfjs-layers' ? 'layers' : undefined;
  if (format === 'hf-checkpoint') return { kind: 'hf-checkpoint', dir };
  if (expect) return { kind: 'tfjs', modelJson: kind === 'dir' ? join(dir, 'model.json') : path, expect };
  if (kind === 'file') {
    if (basename(path) === 'config.json') return { kind: 'hf-checkpoint', dir };
    if (path.endsWith('.json')) return { kind: 'tfjs', modelJson: path };
  } else {
    if ((await kindOf(join(dir, 'config.json'))) === 'file') return { kind: 'hf-checkpoint', dir };
    if ((await kindOf(join(dir, 'model.json'))) === 'file') return { kind: 'tfjs', modelJson: join(dir, 'model.json') };
  }
  throw new InferoxError(
    ErrorCode.PACKAGE_INVALID,
    `${path} is neither a Hugging Face checkpoint (a folder with config.json) nor a TF.js model (model.json or its folder)`,
    { details: { file: path } },
  );
}

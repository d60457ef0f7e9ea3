import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ErrorCode, InferoxError, throwIfAborted } from '@inferox/core';
import { CONFIG_FILE, ONNX_FILE, PACKAGE_METADATA_FILE, TFJS_MODEL_FILE } from './constants';
import { describeValue } from './internal/describe-value';
import { entryKind, fsReason, isMissing } from './internal/fs-error';

/** The kinds of model a path can hold. */
export const MODEL_SOURCE_KINDS = ['package', 'hf-checkpoint', 'onnx', 'tfjs'] as const;

/** One of {@link MODEL_SOURCE_KINDS}. */
export type ModelSourceKind = (typeof MODEL_SOURCE_KINDS)[number];

/** The `format`s a path source may name: core's `ModelFormat`s and `package`. */
export const MODEL_SOURCE_FORMATS = ['hf-checkpoint', 'onnx', 'tfjs-graph', 'tfjs-layers', 'package'] as const;

/** What a model path holds. `name` is the folder's name (an ONNX file's stem). */
export type ResolvedModelSource =
  | { readonly kind: 'package'; readonly dir: string; readonly name: string }
  | { readonly kind: 'hf-checkpoint'; readonly dir: string; readonly name: string }
  | { readonly kind: 'onnx'; readonly file: string; readonly name: string; readonly bytes: number }
  | {
      readonly kind: 'tfjs';
      readonly modelJson: string;
      readonly dir: string;
      readonly name: string;
      /** The model kind the `format` asked for, checked when `model.json` is read. */
      readonly expect?: 'graph' | 'layers';
    };

/** A path, or `{ path, format? }` (core's `ModelSource` without bytes). */
export type ModelPathSource = string | { readonly path: string; readonly format?: string };

/** Options of {@link resolveModelSource}. */
export interface ResolveModelSourceOptions {
  readonly signal?: AbortSignal;
}

function invalidInput(message: string, details: Record<string, unknown>): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, message, { details });
}

/** The entry at `path` (links followed), or undefined when nothing is there. */
async function entryAt(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${path}: cannot read: ${fsReason(error)}`, { cause: error, details: { file: path } });
  }
}

async function regularFile(path: string): Promise<Stats> {
  const info = await entryAt(path);
  if (!info) throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${path}: cannot read: no such file`, { details: { file: path } });
  if (!info.isFile()) throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${path}: cannot read: ${entryKind(info)}, not a regular file`, { details: { file: path } });
  return info;
}

const stem = (path: string): string => basename(path, extname(path)) || basename(path);

async function fromFolder(dir: string, format: string | undefined): Promise<ResolvedModelSource> {
  const name = basename(dir);
  const tfjs = (expect?: 'graph' | 'layers'): ResolvedModelSource => ({ kind: 'tfjs', modelJson: join(dir, TFJS_MODEL_FILE), dir, name, ...(expect ? { expect } : {}) });
  const onnx = async (): Promise<ResolvedModelSource> => {
    const file = join(dir, ONNX_FILE);
    return { kind: 'onnx', file, name, bytes: (await regularFile(file)).size };
  };
  switch (format) {
    case 'package':
      return { kind: 'package', dir, name };
    case 'hf-checkpoint':
      return { kind: 'hf-checkpoint', dir, name };
    case 'onnx':
      return onnx();
    case 'tfjs-graph':
      return tfjs('graph');
    case 'tfjs-layers':
      return tfjs('layers');
  }
  // Presence, not type: a FIFO named config.json is then refused by the reader, naming the file.
  if (await entryAt(join(dir, PACKAGE_METADATA_FILE))) return { kind: 'package', dir, name };
  if (await entryAt(join(dir, CONFIG_FILE))) return { kind: 'hf-checkpoint', dir, name };
  if (await entryAt(join(dir, TFJS_MODEL_FILE))) return tfjs();
  if (await entryAt(join(dir, ONNX_FILE))) return onnx();
  throw new InferoxError(
    ErrorCode.PACKAGE_INVALID,
    `cannot tell what model ${describeValue(dir)} is: the folder holds neither ${PACKAGE_METADATA_FILE} (an Inferox package), ${CONFIG_FILE} (a Hugging Face checkpoint), ${TFJS_MODEL_FILE} (TF.js) nor ${ONNX_FILE}`,
    { details: { file: dir } },
  );
}

function fromFile(path: string, info: Stats, format: string | undefined): ResolvedModelSource {
  const file = basename(path);
  switch (format) {
    case 'hf-checkpoint':
      if (file === CONFIG_FILE) return { kind: 'hf-checkpoint', dir: dirname(path), name: basename(dirname(path)) };
      throw invalidInput(`${path} is a file; a hf-checkpoint source is a folder with ${CONFIG_FILE} (or that ${CONFIG_FILE})`, { path });
    case 'package':
      throw invalidInput(`${path} is a file; a package source is a folder with ${PACKAGE_METADATA_FILE}`, { path });
    case 'onnx':
      return { kind: 'onnx', file: path, name: stem(path), bytes: info.size };
    case 'tfjs-graph':
    case 'tfjs-layers':
      return { kind: 'tfjs', modelJson: path, dir: dirname(path), name: basename(dirname(path)), expect: format === 'tfjs-graph' ? 'graph' : 'layers' };
  }
  if (file === CONFIG_FILE) return { kind: 'hf-checkpoint', dir: dirname(path), name: basename(dirname(path)) };
  if (extname(file) === '.onnx') return { kind: 'onnx', file: path, name: stem(path), bytes: info.size };
  if (extname(file) === '.json') return { kind: 'tfjs', modelJson: path, dir: dirname(path), name: basename(dirname(path)) };
  throw new InferoxError(
    ErrorCode.PACKAGE_INVALID,
    `cannot tell what model ${describeValue(path)} is: expected a package, checkpoint or TF.js folder, ${CONFIG_FILE}, an .onnx file or a TF.js ${TFJS_MODEL_FILE}`,
    { details: { file: path } },
  );
}

/**
 * Tells what a model path holds, the one way every package does: a folder with `metadata.json` is an Inferox
 * package, with `config.json` a Hugging Face checkpoint (single-file or sharded weights), with `model.json` a TF.js
 * model, with `model.onnx` an ONNX file; a file is `config.json` (its checkpoint), an `.onnx` file or a TF.js
 * `.json`. A `format` forces the kind. Links are followed.
 *
 * @throws InferoxError `INVALID_INPUT` when the source is not a path, the format is unknown, or the path does not
 * exist or is a symbolic link loop (naming it); `PACKAGE_INVALID` when it exists but holds no model this can tell
 * (or is a FIFO, device or socket); `CANCELLED`.
 * @example
 * ```ts
 * const source = await resolveModelSource('fixtures/tiny-bert-hf'); // { kind: 'hf-checkpoint', dir, name: 'tiny-bert-hf' }
 * ```
 */
export async function resolveModelSource(source: ModelPathSource, options: ResolveModelSourceOptions = {}): Promise<ResolvedModelSource> {
  const path = typeof source === 'string' ? source : (source as { path?: unknown } | null)?.path;
  const format = typeof source === 'object' && source !== null ? (source as { format?: unknown }).format : undefined;
  if (typeof path !== 'string' || path === '') throw invalidInput('a model source must be a path, { path } or { bytes }', { option: 'source' });
  if (format !== undefined && !(MODEL_SOURCE_FORMATS as readonly unknown[]).includes(format)) {
    throw invalidInput(`source.format ${describeValue(format)} is not one of ${MODEL_SOURCE_FORMATS.join(', ')}`, { option: 'source.format' });
  }
  throwIfAborted(options.signal, `resolving ${path}`);
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    const reason = isMissing(error) ? 'does not exist' : `cannot be read: ${fsReason(error)}`;
    throw new InferoxError(ErrorCode.INVALID_INPUT, `model source ${describeValue(path)} ${reason}`, { cause: error, details: { path } });
  }
  if (info.isDirectory()) return fromFolder(path, format as string | undefined);
  if (!info.isFile()) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `${path}: cannot read: ${entryKind(info)}, not a regular file`, { details: { file: path } });
  }
  return fromFile(path, info, format as string | undefined);
}

const KIND_WORDS: Readonly<Record<ModelSourceKind, string>> = {
  package: 'an Inferox package (load it with @inferox/mlpkg)',
  'hf-checkpoint': 'a Hugging Face checkpoint',
  onnx: 'an ONNX model',
  tfjs: 'a TF.js model',
};

/**
 * Narrows a resolved source to the kinds a consumer loads.
 *
 * @param who - the consumer, for the message (`the onnx backend`).
 * @throws InferoxError `INVALID_INPUT` saying what the source is and what `who` loads.
 */
export function expectModelSourceKind<K extends ModelSourceKind>(
  resolved: ResolvedModelSource,
  kinds: readonly K[],
  who: string,
): Extract<ResolvedModelSource, { kind: K }> {
  if ((kinds as readonly string[]).includes(resolved.kind)) return resolved as Extract<ResolvedModelSource, { kind: K }>;
  const where = resolved.kind === 'onnx' ? resolved.file : resolved.kind === 'tfjs' ? resolved.modelJson : resolved.dir;
  throw invalidInput(`${where} is ${KIND_WORDS[resolved.kind]}; ${who} loads ${kinds.join(', ')} sources`, { path: where, kind: resolved.kind });
}

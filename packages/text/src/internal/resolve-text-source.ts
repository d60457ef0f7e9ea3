import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ErrorCode, InferoxError, type ModelSource, type SignalOptions } from '@inferox/core';
import { snapshotDownload } from '@inferox/hub-cache';
import { openPackage } from '@inferox/mlpkg';
import type { LoadTextModelOptions } from '../text-model';

/** Where a text model's files are and what each backend loads. */
export interface ResolvedTextSource {
  /** Holds `config.json`, the weights and the sentence-transformers files. */
  readonly dir: string;
  /** Holds `tokenizer.json` (an mlpkg package's `tokenizer/`). */
  readonly tokenizerDir: string;
  /** A name for the engine model when the caller gives none. */
  readonly defaultName: string;
  /** What backend `name` loads. */
  sourceFor(backend: string): ModelSource;
}

/** Files a text model needs from the hub (`onnx/model.onnx` only, not the other ONNX variants). */
export const HUB_TEXT_FILES = ['*.json', '*.safetensors', '*.txt', 'onnx/model.onnx', 'onnx/model.onnx_data'] as const;

const isFile = (path: string): Promise<boolean> =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );

/** Parses `hf://org/repo@revision`. @throws InferoxError `INVALID_INPUT` naming the source. */
export function parseHubSource(source: string): { readonly repo: string; readonly revision: string } {
  const match = /^hf:\/\/([\w.-]+\/[\w.-]+)(?:@([\w./-]+))?$/.exec(source);
  if (!match) throw new InferoxError(ErrorCode.INVALID_INPUT, `source ${JSON.stringify(source.slice(0, 200))} is not hf://org/repo or hf://org/repo@revision`, { details: { source: source.slice(0, 200) } });
  return { repo: match[1]!, revision: match[2] ?? 'main' };
}

/**
 * Resolves a local folder, an mlpkg package folder or `hf://org/repo@rev` (downloaded through hub-cache) to the
 * files of a text model.
 *
 * @throws InferoxError `INVALID_INPUT` (bad source), `PACKAGE_INVALID` (a package fails verification, naming the
 * file), `HUB_ERROR`, `CANCELLED`.
 */
export async function resolveTextSource(source: string, options: LoadTextModelOptions & SignalOptions): Promise<ResolvedTextSource> {
  if (typeof source !== 'string' || source === '') {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `source must be a folder, an mlpkg package or hf://org/repo@rev, got ${JSON.stringify(source)}`);
  }
  const preferOnnxFile = options.preferOnnxFile ?? true;
  let dir: string;
  let defaultName: string;
  if (source.startsWith('hf://')) {
    const { repo, revision } = parseHubSource(source);
    const hub = options.hub ?? {};
    dir = await snapshotDownload(repo, {
      revision,
      allow: HUB_TEXT_FILES,
      ...(hub.cacheDir ? { cacheDir: hub.cacheDir } : {}),
      ...(hub.endpoint ? { endpoint: hub.endpoint } : {}),
      ...(hub.token ? { token: hub.token } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    defaultName = repo.split('/')[1]!;
  } else {
    dir = resolve(source);
    const info = await stat(dir).catch((error: unknown) => {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `model folder ${dir} does not exist`, { cause: error, details: { source } });
    });
    if (!info.isDirectory()) throw new InferoxError(ErrorCode.INVALID_INPUT, `model source ${dir} is not a folder (give a Hugging Face folder, an mlpkg package or hf://org/repo)`, { details: { source } });
    defaultName = basename(dir).replace(/\.mlpkg$/, '');
    if ((await isFile(join(dir, 'metadata.json'))) && (await isFile(join(dir, 'model_info.json')))) {
      const pkg = await openPackage(dir, options.signal ? { signal: options.signal } : {});
      return {
        dir: join(pkg.dir, 'weights'),
        tokenizerDir: join(pkg.dir, 'tokenizer'),
        defaultName: pkg.metadata.name,
        sourceFor: (backend) => {
          const specs = pkg.backends[backend];
          if (!specs) return { path: join(pkg.dir, 'weights'), format: 'hf-checkpoint' };
          const graph = Object.values(specs.variants).find((v) => v.source.format === 'onnx');
          return preferOnnxFile && graph ? graph.source : specs.default.source;
        },
      };
    }
  }
  const onnxFile = join(dir, 'onnx', 'model.onnx');
  const hasOnnxFile = preferOnnxFile && (await isFile(onnxFile));
  const folder = dir;
  return {
    dir: folder,
    tokenizerDir: folder,
    defaultName,
    sourceFor: (backend) => (backend === 'onnx' && hasOnnxFile ? { path: onnxFile, format: 'onnx' } : { path: folder, format: 'hf-checkpoint' }),
  };
}

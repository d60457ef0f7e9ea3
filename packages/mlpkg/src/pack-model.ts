import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, copyFile, lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ErrorCode, InferoxError, noopLogger, throwIfAborted, type Logger, type SignalOptions } from '@inferox/core';
import { MLPKG_FORMAT_VERSION } from './format-version';
import { buildModelInfo } from './internal/build-model-info';
import { fsError, fsStep } from './internal/fs-step';
import { guardAbort } from './internal/guard-abort';
import { METADATA_FILE, MODEL_INFO_FILE } from './internal/read-package';
import { readJsonFile } from './internal/read-json-file';
import { type ExternalLinks, checkSourceFile, checkSourceLinks } from './internal/source-links';
import { scanCheckpoint } from './internal/scan-checkpoint';
import { sha256File } from './internal/sha256-file';
import { ProblemList } from './internal/problems';
import { walkPackage } from './internal/walk-package';
import { type PackageMetadata, packageMetadataSchema } from './package-metadata';
import type { VerifiedPackage } from './verify-package';

/** A step of {@link packModel}, reported to `onProgress`. */
export type PackProgress =
  | { readonly kind: 'temp-created'; readonly tempDir: string }
  | { readonly kind: 'file-copied'; readonly path: string }
  | { readonly kind: 'renamed'; readonly dir: string };

/** Options for {@link packModel}. */
export interface PackOptions extends SignalOptions {
  /** The package name. @defaultValue the source folder's name */
  readonly name?: string;
  /** The package version. @defaultValue `'1.0.0'` */
  readonly version?: string;
  /** Replace an existing package at `outDir` (only a folder holding metadata.json, or an empty one). @defaultValue false */
  readonly overwrite?: boolean;
  /** Where the checkpoint came from, recorded in metadata.json. @defaultValue all null */
  readonly source?: { readonly repo_id?: string | null; readonly revision?: string | null; readonly commit?: string | null };
  /** The creation time recorded. @defaultValue now */
  readonly createdAt?: Date;
  readonly logger?: Logger;
  /** Called after each step and awaited, so a caller can observe (or hold) a pack in progress. */
  readonly onProgress?: (event: PackProgress) => void | Promise<void>;
  /**
   * A link in the source folder that resolves outside it: `'refuse'` (`PACKAGE_INVALID` naming the link, before any
   * file is read) or `'follow'` (copy what it points at). @defaultValue `'refuse'`
   */
  readonly externalLinks?: ExternalLinks;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses an existing outDir unless `overwrite` and it is an empty folder or an Inferox package: a metadata.json of
 * this format and nothing at its top level the package does not list. Anything else is never deleted.
 */
async function checkOutDir(outDir: string, overwrite: boolean): Promise<void> {
  if (!(await exists(outDir))) return;
  if (!overwrite) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `outDir ${outDir} already exists; pass overwrite: true to replace it`, { details: { outDir } });
  }
  const refuse = (why: string): never => {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `outDir ${outDir} exists and is not an Inferox package (${why}); refusing to replace it`, {
      details: { outDir },
    });
  };
  const isDir = (await lstat(outDir)).isDirectory();
  if (!isDir) refuse('not a folder');
  const entries = await readdir(outDir);
  if (entries.length === 0) return;
  if (!entries.includes(METADATA_FILE)) refuse(`no ${METADATA_FILE}`);
  const raw = await readJsonFile(join(outDir, METADATA_FILE), METADATA_FILE).catch(() => undefined);
  const metadata = packageMetadataSchema.safeParse(raw);
  if (!metadata.success) refuse(`its ${METADATA_FILE} is not an Inferox package manifest`);
  const listed = new Set([METADATA_FILE, MODEL_INFO_FILE, ...metadata.data!.files.map((f) => f.path.split('/')[0]!)]);
  const unlisted = entries.filter((name) => !listed.has(name));
  if (unlisted.length > 0) refuse(`it also holds ${unlisted.slice(0, 5).join(', ')}${unlisted.length > 5 ? ', …' : ''}, which the package does not list`);
}

const READ = ErrorCode.PACKAGE_INVALID;
const WRITE = ErrorCode.INVALID_INPUT;

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Packs a Hugging Face checkpoint folder (config.json, safetensors, optional `onnx/model.onnx` or `model.onnx`,
 * optional TF.js `model.json`, tokenizer files) into a package at `outDir`. Everything is written into a temporary
 * sibling folder that is renamed to `outDir` at the end, so an interrupted pack leaves no package at `outDir`.
 *
 * @param sourceDir - the checkpoint folder.
 * @param outDir - the package folder to create.
 * @returns the package's manifests.
 * @throws InferoxError `PACKAGE_INVALID` (malformed checkpoint, naming the file; or a source file that cannot be
 * read, naming it and the system error code), `INVALID_INPUT` (`outDir` exists without `overwrite`, or cannot be
 * created or written: the message names it and the system error code, `cause` is the system error), `CANCELLED`.
 * @example
 * ```ts
 * await packModel('./tiny-bert-hf', './tiny-bert.mlpkg', { name: 'tiny-bert', version: '1.0.0' });
 * ```
 */
export async function packModel(sourceDir: string, outDir: string, options: PackOptions = {}): Promise<VerifiedPackage> {
  const { signal, logger = noopLogger } = options;
  const target = resolve(outDir);
  return guardAbort(
    async () => {
      throwIfAborted(signal, 'pack');
      const links = options.externalLinks ?? 'refuse';
      if (links !== 'refuse' && links !== 'follow') {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `externalLinks must be 'refuse' or 'follow', got ${JSON.stringify(String(links).slice(0, 40))}`);
      }
      const realSource = await checkSourceLinks(sourceDir, links);
      const plan = await fsStep(READ, 'pack: reading the source checkpoint', sourceDir, () => scanCheckpoint(sourceDir));
      // Every step writing under outDir's folder fails with INVALID_INPUT naming outDir (the path the user chose).
      const write = <T>(work: () => Promise<T>): Promise<T> => fsStep(WRITE, 'pack: writing outDir', target, work);
      await write(() => checkOutDir(target, options.overwrite ?? false));
      await write(() => mkdir(dirname(target), { recursive: true }));
      const tempDir = join(dirname(target), `.${basename(target)}.partial-${randomBytes(6).toString('hex')}`);
      await write(() => mkdir(tempDir));
      try {
        await options.onProgress?.({ kind: 'temp-created', tempDir });
        for (const copy of plan.copies) {
          throwIfAborted(signal, 'pack');
          if (realSource !== undefined) await checkSourceFile(realSource, sourceDir, copy.from, links);
          const to = join(tempDir, ...copy.to.split('/'));
          await write(() => mkdir(dirname(to), { recursive: true }));
          await copyOne(copy.from, to, target);
          await options.onProgress?.({ kind: 'file-copied', path: copy.to });
        }
        const modelInfo = buildModelInfo(plan);
        await write(() => writeFile(join(tempDir, MODEL_INFO_FILE), json(modelInfo)));
        const files: PackageMetadata['files'] = [];
        for (const file of await write(() => walkPackage(tempDir, new ProblemList(), signal))) {
          throwIfAborted(signal, 'pack');
          const { size, sha256 } = await write(() => sha256File(file.absolute, signal));
          files.push({ path: file.path, size, sha256 });
        }
        files.sort((a, b) => (a.path < b.path ? -1 : 1));
        const metadata: PackageMetadata = {
          format: 'inferox-mlpkg',
          format_version: MLPKG_FORMAT_VERSION,
          name: options.name ?? basename(resolve(sourceDir)),
          version: options.version ?? '1.0.0',
          source: {
            repo_id: options.source?.repo_id ?? null,
            revision: options.source?.revision ?? null,
            commit: options.source?.commit ?? null,
          },
          created_at: (options.createdAt ?? new Date()).toISOString(),
          files,
        };
        await write(() => writeFile(join(tempDir, METADATA_FILE), json(metadata)));
        throwIfAborted(signal, 'pack');
        await write(() => checkOutDir(target, options.overwrite ?? false));
        await write(() => replace(tempDir, target));
        logger.info('packed model package', { sourceDir, outDir: target, files: files.length });
        await options.onProgress?.({ kind: 'renamed', dir: target });
        return { dir: target, metadata, modelInfo };
      } finally {
        await write(() => rm(tempDir, { recursive: true, force: true }));
      }
    },
    signal,
    `pack ${sourceDir}`,
    // Every file-system step above maps its own errors; what still reaches here is a bug.
    ErrorCode.INTERNAL,
  );
}

/**
 * Copies a source file into the temp package. `copyFile` does not say which side failed, so on failure the source
 * is probed: unreadable → `PACKAGE_INVALID` naming it, else `INVALID_INPUT` naming outDir.
 */
async function copyOne(from: string, to: string, target: string): Promise<void> {
  try {
    await copyFile(from, to);
  } catch (error) {
    const sourceProblem = await access(from, constants.R_OK).then(
      () => undefined,
      (probe: unknown) => probe,
    );
    throw sourceProblem === undefined
      ? fsError(error, WRITE, 'pack: writing outDir', target)
      : fsError(sourceProblem, READ, 'pack: reading the source file', from);
  }
}

/** Moves `tempDir` to `target`, moving an existing `target` aside first and deleting it afterwards. */
async function replace(tempDir: string, target: string): Promise<void> {
  if (!(await exists(target))) {
    await rename(tempDir, target);
    return;
  }
  const old = `${tempDir}.old`;
  await rename(target, old);
  try {
    await rename(tempDir, target);
  } catch (error) {
    await rename(old, target);
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}

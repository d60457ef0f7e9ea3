import { realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ErrorCode, InferoxError, throwIfAborted } from '@inferox/core';
import { MLPKG_FORMAT_VERSION } from '../format-version';
import { packageModelInfoSchema, type PackageModelInfo } from '../package-model-info';
import { packageMetadataSchema, type PackageMetadata } from '../package-metadata';
import { isUnder, pathProblem } from './package-path';
import { ProblemList, invalidPackage } from './problems';
import { readJsonFile } from './read-json-file';
import { sha256File } from './sha256-file';
import { fileProblem, walkPackage } from './walk-package';
import { addZodProblems } from './zod-problems';

/** The root manifest: format version, name, source and every other file with its size and sha256. */
export const METADATA_FILE = 'metadata.json';
/** The model manifest: model type, family, backends and their variants, memory estimate. */
export const MODEL_INFO_FILE = 'model_info.json';

/** A package read from disk: its real folder and both manifests, validated. */
export interface ReadPackage {
  readonly root: string;
  readonly metadata: PackageMetadata;
  readonly modelInfo: PackageModelInfo;
}

async function packageRoot(dir: string): Promise<string> {
  let root: string;
  try {
    root = await realpath(resolve(dir));
  } catch (error) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `package folder ${dir} does not exist`, { cause: error, details: { dir } });
  }
  if (!(await stat(root)).isDirectory()) {
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `package folder ${dir} is not a folder`, { details: { dir } });
  }
  return root;
}

async function readManifest(root: string, dir: string, file: string, signal?: AbortSignal): Promise<unknown> {
  const problem = await fileProblem(root, file);
  if (problem) throw invalidPackage(dir, [{ path: file, problem }]);
  try {
    return await readJsonFile(join(root, file), file, undefined, signal);
  } catch (error) {
    if (error instanceof InferoxError && error.code === ErrorCode.PACKAGE_INVALID) {
      throw invalidPackage(dir, [{ path: file, problem: error.message.replace(`${file} `, '') }], error);
    }
    throw error;
  }
}

function checkVersion(raw: unknown, dir: string): void {
  const version = typeof raw === 'object' && raw !== null ? (raw as { format_version?: unknown }).format_version : undefined;
  if (typeof version === 'number' && Number.isFinite(version) && version > MLPKG_FORMAT_VERSION) {
    throw new InferoxError(
      ErrorCode.PACKAGE_INVALID,
      `package ${dir} has format version ${version}; reading it needs an @inferox/mlpkg that understands format version ${version} (this one reads up to ${MLPKG_FORMAT_VERSION})`,
      { details: { dir, path: METADATA_FILE, formatVersion: version, supported: MLPKG_FORMAT_VERSION } },
    );
  }
}

function checkListedPaths(metadata: PackageMetadata, problems: ProblemList): Set<string> {
  const listed = new Set<string>();
  for (const file of metadata.files) {
    const problem = pathProblem(file.path);
    if (problem) problems.add(file.path, problem);
    else if (file.path === METADATA_FILE) problems.add(file.path, 'metadata.json must not list itself');
    else if (listed.has(file.path)) problems.add(file.path, 'is listed twice');
    listed.add(file.path);
  }
  for (const path of listed) {
    const slash = path.lastIndexOf('/');
    for (let parent = path.slice(0, Math.max(slash, 0)); parent; parent = parent.slice(0, Math.max(parent.lastIndexOf('/'), 0))) {
      if (listed.has(parent)) problems.add(parent, `is listed as a file but ${path} is listed inside it`);
    }
  }
  if (!listed.has(MODEL_INFO_FILE)) problems.add(MODEL_INFO_FILE, 'is not listed in metadata.json files');
  return listed;
}

function checkModelInfo(info: PackageModelInfo, listed: ReadonlySet<string>, problems: ProblemList): void {
  const keys = Object.keys(info.backends);
  for (const backend of info.supported_backends) {
    if (!keys.includes(backend)) problems.add(MODEL_INFO_FILE, `supported backend ${backend} has no entry in backends`);
  }
  for (const backend of keys) {
    if (!info.supported_backends.includes(backend)) problems.add(MODEL_INFO_FILE, `backends.${backend} is not in supported_backends`);
  }
  const checkFile = (path: string, where: string): void => {
    const problem = pathProblem(path);
    if (problem) problems.add(path, `${problem} (in ${MODEL_INFO_FILE} ${where})`);
    else if (!listed.has(path)) problems.add(path, `is named in ${MODEL_INFO_FILE} ${where} but not listed in metadata.json`);
  };
  for (const [backend, entry] of Object.entries(info.backends)) {
    const names = entry.variants.map((v) => v.name);
    if (!names.includes(entry.default_variant)) problems.add(MODEL_INFO_FILE, `backends.${backend}.default_variant ${entry.default_variant} is not one of its variants`);
    if (new Set(names).size !== names.length) problems.add(MODEL_INFO_FILE, `backends.${backend} has two variants with one name`);
    for (const variant of entry.variants) {
      const where = `backends.${backend} variant ${variant.name}`;
      const problem = pathProblem(variant.path);
      if (problem) {
        problems.add(variant.path, `${problem} (in ${MODEL_INFO_FILE} ${where})`);
        continue;
      }
      // A variant's files lie in its folder: `path` itself, or the folder holding `path` when `path` is one of them.
      const folder = variant.files.includes(variant.path) ? variant.path.slice(0, Math.max(variant.path.lastIndexOf('/'), 0)) : variant.path;
      for (const file of variant.files) {
        checkFile(file, where);
        if (folder !== '' && !isUnder(file, folder)) problems.add(file, `is not inside ${folder} (in ${MODEL_INFO_FILE} ${where})`);
      }
    }
  }
  for (const file of info.tokenizer?.files ?? []) checkFile(file, 'tokenizer');
}

/**
 * Reads and validates a package: manifests (size limit, JSON, schema, format version), path rules, model_info
 * references; then every listed file's presence and size, and with `hash` also its sha256 and the absence of
 * unlisted files.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming every bad path; `CANCELLED` when `signal` fires.
 */
export async function readPackage(dir: string, hash: boolean, signal?: AbortSignal): Promise<ReadPackage> {
  const root = await packageRoot(dir);
  throwIfAborted(signal, 'package read');
  const rawMetadata = await readManifest(root, dir, METADATA_FILE, signal);
  checkVersion(rawMetadata, dir);
  const problems = new ProblemList();
  const metadataResult = packageMetadataSchema.safeParse(rawMetadata);
  if (!metadataResult.success) {
    addZodProblems(problems, METADATA_FILE, metadataResult.error);
    problems.throwIfAny(dir);
  }
  const metadata = metadataResult.data!;
  const listed = checkListedPaths(metadata, problems);
  problems.throwIfAny(dir);

  const rawInfo = await readManifest(root, dir, MODEL_INFO_FILE, signal);
  const infoResult = packageModelInfoSchema.safeParse(rawInfo);
  if (!infoResult.success) {
    addZodProblems(problems, MODEL_INFO_FILE, infoResult.error);
    problems.throwIfAny(dir);
  }
  const modelInfo = infoResult.data!;
  checkModelInfo(modelInfo, listed, problems);
  problems.throwIfAny(dir);

  if (hash) {
    const found = await walkPackage(root, problems, signal);
    for (const file of found) {
      if (file.path !== METADATA_FILE && !listed.has(file.path)) problems.add(file.path, 'is not listed in metadata.json');
    }
  }
  for (const file of metadata.files) {
    throwIfAborted(signal, 'package verification');
    const problem = await fileProblem(root, file.path);
    if (problem) {
      problems.add(file.path, problem);
      continue;
    }
    const absolute = join(root, ...file.path.split('/'));
    if (hash) {
      const actual = await sha256File(absolute, signal);
      if (actual.size !== file.size) problems.add(file.path, `has ${actual.size} bytes, metadata.json says ${file.size}`);
      else if (actual.sha256 !== file.sha256) problems.add(file.path, `sha256 ${actual.sha256} does not match metadata.json (${file.sha256})`);
    } else {
      const { size } = await stat(absolute);
      if (size !== file.size) problems.add(file.path, `has ${size} bytes, metadata.json says ${file.size}`);
    }
  }
  problems.throwIfAny(dir);
  return { root, metadata, modelInfo };
}

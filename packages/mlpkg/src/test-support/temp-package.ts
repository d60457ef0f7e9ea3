/**
 * Test support (not exported, not shipped): temp folders and a packed copy of the tiny BERT fixture.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- tests edit manifests freely */
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serializeSafetensors } from '@inferox/core';
import { packModel } from '../pack-model';

/** The real tiny BERT checkpoint. */
export const TINY_BERT = resolve(import.meta.dirname, '../../../../fixtures/tiny-bert-hf');

/** Temp folders made by {@link tempDir}, removed by {@link removeTempDirs}. */
const made: string[] = [];

/** A new empty temp folder. */
export async function tempDir(prefix = 'mlpkg-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder {@link tempDir} made. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Packs the tiny BERT fixture into a new temp folder. @returns the package folder. */
export async function packTinyBert(): Promise<string> {
  const out = join(await tempDir(), 'tiny-bert.mlpkg');
  await packModel(TINY_BERT, out, { name: 'tiny-bert', version: '1.0.0' });
  return out;
}

/** Copies a package into a new temp folder. @returns the copy's folder. */
export async function copyPackage(dir: string): Promise<string> {
  const copy = join(await tempDir(), 'copy.mlpkg');
  await cp(dir, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

/** Writes a small checkpoint folder: config.json (`modelType`) and a two-tensor model.safetensors. */
export async function writeTinyCheckpoint(dir: string, modelType = 'inferox-mlp', config: Record<string, unknown> = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: modelType, hidden_size: 4, ...config }));
  const weights = serializeSafetensors({
    'layers.0.weight': { dtype: 'float32', shape: [4, 3], bytes: new Uint8Array(new Float32Array(12).fill(0.5).buffer) },
    'layers.0.bias': { dtype: 'float32', shape: [4], bytes: new Uint8Array(16) },
  });
  await writeFile(join(dir, 'model.safetensors'), weights);
  return dir;
}

/** Reads a package's JSON file, lets `edit` change it, writes it back and, for model_info.json, re-lists it. */
export async function editJson(dir: string, file: string, edit: (value: Record<string, any>) => void): Promise<void> {
  const path = join(dir, file);
  const value = JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
  edit(value);
  await writeFile(path, JSON.stringify(value, null, 2));
  if (file === 'metadata.json') return;
  const bytes = await readFile(path);
  await editJson(dir, 'metadata.json', (metadata) => {
    const entry = (metadata.files as { path: string; size: number; sha256: string }[]).find((f) => f.path === file);
    if (entry) Object.assign(entry, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  });
}

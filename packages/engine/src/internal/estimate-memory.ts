import { stat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelSource } from '@inferox/core';

/** How much more than the weights a loaded model is assumed to hold when its backend reports nothing. */
export const WEIGHTS_OVERHEAD = 1.2;

async function sizeOf(path: string, depth: number): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (info.isFile()) return info.size;
  if (!info.isDirectory() || depth > 2) return 0;
  const names = await readdir(path);
  const sizes = await Promise.all(names.map((n) => sizeOf(join(path, n), depth + 1)));
  return sizes.reduce((a, b) => a + b, 0);
}

/** The bytes a source's weights take on disk (files, folders) or in memory (bytes) × {@link WEIGHTS_OVERHEAD}. */
export async function estimateSourceBytes(source: ModelSource): Promise<number> {
  const raw = typeof source === 'string' ? await sizeOf(source, 0) : 'bytes' in source ? source.bytes.byteLength : await sizeOf(source.path, 0);
  return Math.ceil(raw * WEIGHTS_OVERHEAD);
}

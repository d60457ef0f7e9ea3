import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ModelSource } from '@inferox/core';

/** How much more than the weights a loaded model is assumed to hold when its backend reports nothing. */
export const WEIGHTS_OVERHEAD = 1.2;

/** Weight files by representation: a folder may hold the same weights twice (safetensors and an ONNX export). */
const KIND: Readonly<Record<string, string>> = { '.safetensors': 'safetensors', '.onnx': 'onnx', '.onnx_data': 'onnx', '.data': 'onnx', '.bin': 'bin', '.pb': 'pb' };

async function sizes(path: string, depth: number, into: Map<string, number>): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return;
  if (info.isFile()) {
    const kind = KIND[extname(path).toLowerCase()] ?? 'other';
    into.set(kind, (into.get(kind) ?? 0) + info.size);
  } else if (info.isDirectory() && depth < 2) {
    for (const name of await readdir(path)) await sizes(join(path, name), depth + 1, into);
  }
}

/**
 * The bytes a source's weights take × {@link WEIGHTS_OVERHEAD}: a file's size, a folder's largest set of weight
 * files of one kind (safetensors, ONNX with external data, TF.js shards; other files when there are none), or the
 * length of in-memory bytes. A missing path is 0.
 */
export async function estimateSourceBytes(source: ModelSource): Promise<number> {
  if (typeof source !== 'string' && 'bytes' in source) return Math.ceil(source.bytes.byteLength * WEIGHTS_OVERHEAD);
  const by = new Map<string, number>();
  await sizes(typeof source === 'string' ? source : source.path, 0, by);
  const other = by.get('other') ?? 0;
  by.delete('other');
  const weights = by.size > 0 ? Math.max(...by.values()) : other;
  return Math.ceil(weights * WEIGHTS_OVERHEAD);
}

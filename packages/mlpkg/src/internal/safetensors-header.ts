import { open } from 'node:fs/promises';
import { ErrorCode, InferoxError, SAFETENSORS_MAX_HEADER_BYTES } from '@inferox/core';

/** Totals read from a safetensors header. */
export interface SafetensorsTotals {
  readonly parameters: number;
  readonly dataBytes: number;
  /** The most common dtype by bytes (`F32`, `BF16`, ...), or null for an empty file. */
  readonly dtype: string | null;
}

/**
 * Reads only the header of a safetensors file and sums its tensors' element counts and byte sizes.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming `label` when the header is malformed.
 */
export async function readSafetensorsTotals(file: string, label: string): Promise<SafetensorsTotals> {
  const bad = (why: string, cause?: unknown): InferoxError =>
    new InferoxError(ErrorCode.PACKAGE_INVALID, `${label}: invalid safetensors header: ${why}`, {
      details: { path: label },
      ...(cause === undefined ? {} : { cause }),
    });
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    const length = size < 8 ? -1 : Number(prefix.readBigUInt64LE(0));
    if (length < 0 || length > SAFETENSORS_MAX_HEADER_BYTES || 8 + length > size) throw bad(`header length does not fit the ${size}-byte file`);
    const header = Buffer.alloc(length);
    await handle.read(header, 0, length, 8);
    let parsed: unknown;
    try {
      parsed = JSON.parse(header.toString('utf8'));
    } catch (error) {
      throw bad('not JSON', error);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('not a JSON object');
    let parameters = 0;
    let dataBytes = 0;
    const byDtype = new Map<string, number>();
    for (const [name, entry] of Object.entries(parsed)) {
      if (name === '__metadata__') continue;
      const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      if (!Array.isArray(e.shape) || !Array.isArray(e.data_offsets) || typeof e.dtype !== 'string') throw bad(`tensor ${name} lacks dtype, shape or data_offsets`);
      const [start, end] = e.data_offsets as unknown[];
      if (typeof start !== 'number' || typeof end !== 'number' || end < start) throw bad(`tensor ${name} has bad data_offsets`);
      parameters += (e.shape as unknown[]).reduce<number>((n, d) => n * Number(d), 1);
      dataBytes += end - start;
      byDtype.set(e.dtype, (byDtype.get(e.dtype) ?? 0) + end - start);
    }
    const dtype = [...byDtype.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    return { parameters, dataBytes, dtype };
  } finally {
    await handle.close();
  }
}

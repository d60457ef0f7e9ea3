import { ErrorCode, InferoxError } from '@inferox/core';

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3, t: 1e12, tb: 1e12, tib: 1024 ** 4 };

/**
 * Parses a size like `500MB`, `1.5GiB`, `10g` or `1024` (bytes). Decimal units are powers of 1000, `i` units of 1024.
 *
 * @throws InferoxError `INVALID_INPUT` naming the text.
 */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const suffix = match?.[2]?.toLowerCase() ?? 'x';
  const unit = Object.hasOwn(UNITS, suffix) ? UNITS[suffix] : undefined;
  if (!match || unit === undefined) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${JSON.stringify(text)} is not a size; use a number with an optional unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`);
  }
  return Math.floor(Number(match[1]) * unit);
}

/** Formats bytes with a decimal unit: `1.5 GB`. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i += 1;
  }
  return `${i === 0 ? value : value.toFixed(1)} ${units[i]}`;
}

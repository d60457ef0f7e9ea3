import { pruneCache, scanCache } from '@inferox/hub-cache';
import type { CliIO } from '../cli-io';
import { formatSize, parseSize } from '../internal/parse-size';

/** `inferox cache scan`: repos, revisions, file counts and sizes in the hub cache. */
export async function cacheScanCommand(io: CliIO, flags: { cacheDir?: string }): Promise<void> {
  const scan = await scanCache(flags.cacheDir);
  const rows = scan.repos.map((r) => [`${r.type}:${r.name}`, String(r.revisions.length), String(r.fileCount), formatSize(r.size), r.lastAccessed.toISOString()]);
  const headers = ['repo', 'revisions', 'files', 'size', 'last accessed'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  io.stdout(`${[line(headers), ...rows.map(line)].join('\n')}\n`);
  io.stdout(`${scan.repos.length} repos, ${formatSize(scan.size)} in ${scan.cacheDir}\n`);
  for (const warning of scan.warnings) io.stderr(`warning: ${warning}\n`);
}

/** `inferox cache prune --max-size <size>`: evicts least-recently-used revisions until the cache fits. */
export async function cachePruneCommand(io: CliIO, flags: { maxSize: string; cacheDir?: string }): Promise<void> {
  const result = await pruneCache({ maxBytes: parseSize(flags.maxSize), ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}) });
  for (const e of result.evicted) io.stdout(`evicted ${e.type}:${e.name}@${e.commit}\n`);
  io.stdout(`freed ${formatSize(result.freedBytes)}: ${formatSize(result.sizeBefore)} → ${formatSize(result.sizeAfter)}\n`);
}

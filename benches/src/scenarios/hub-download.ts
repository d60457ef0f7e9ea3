import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ratio } from '../goal';
import { roundOrder } from '../internal/round-order';
import { runChild } from '../internal/run-child';
import type { Scenario } from '../scenario';
import { fmt, interleave, quantile } from '../stats';

interface DownloadFigures {
  ms: number;
  baseline: number;
  peak: number;
  growth: number;
}

const DOWNLOADERS = [
  { id: 'inferox', label: '@inferox/hub-cache downloadFile' },
  { id: 'hf-hub', label: '@huggingface/hub downloadFileToCacheDir' },
  { id: 'fetch', label: 'plain fetch → file' },
] as const;

const REPO = 'bench/big-file';
const FILE = 'model.bin';
const MIB = 2 ** 20;

/**
 * Scenario 6: download throughput and peak RSS growth of a large file from a local test hub, each download in its
 * own child process (so the RSS is the downloader's own), rounds in rotating order; then cached lookup latency.
 */
export const hubDownload: Scenario = {
  id: 'hub',
  number: 6,
  title: '6. hub-cache downloads vs @huggingface/hub and plain fetch',
  async run(ctx) {
    const p = ctx.profile.hub;
    const { startTestHub } = await import('@inferox/hub-cache/testing');
    const { downloadFile } = await import('@inferox/hub-cache');
    const { downloadFileToCacheDir } = await import('@huggingface/hub');
    const hub = await startTestHub({ repos: [{ id: REPO, files: { [FILE]: { size: p.bytes, seed: 3 } } }] });
    const root = join(ctx.workDir, 'hub');
    const figures = new Map<string, DownloadFigures[]>(DOWNLOADERS.map((d) => [d.id, []]));
    const keep = new Map<string, string>();
    try {
      for (let round = 0; round < p.rounds; round++) {
        for (const d of roundOrder(DOWNLOADERS, round)) {
          const target = join(root, `${d.id}-${round}`, d.id === 'fetch' ? FILE : '');
          ctx.log(`  round ${round + 1}/${p.rounds}: ${d.label}, ${fmt(p.bytes / MIB)} MiB`);
          figures.get(d.id)!.push(await runChild<DownloadFigures>({ kind: 'download', downloader: d.id, endpoint: hub.url, repo: REPO, path: FILE, target }));
          if (round === p.rounds - 1 && d.id !== 'fetch') keep.set(d.id, target);
          else await rm(join(root, `${d.id}-${round}`), { recursive: true, force: true });
        }
      }
      const commit = hub.commitOf(REPO);
      const lookups: Record<string, { a: number[]; b: number[] }> = {};
      // Requests each side sends to the hub per cached lookup (warm-up included), counted at the server.
      const sent: Record<string, { a: number; b: number }> = {};
      for (const revision of ['main', commit]) {
        const key = revision === 'main' ? 'main' : 'commit';
        const counts = { a: 0, b: 0 };
        const counted = (side: 'a' | 'b', fn: () => Promise<unknown>) => async (): Promise<void> => {
          const before = hub.requests.length;
          await fn();
          counts[side] += hub.requests.length - before;
        };
        lookups[key] = await interleave(
          counted('a', () => downloadFile(REPO, FILE, { endpoint: hub.url, cacheDir: keep.get('inferox')!, revision, token: false })),
          counted('b', () => downloadFileToCacheDir({ repo: REPO, path: FILE, hubUrl: hub.url, cacheDir: keep.get('hf-hub')!, revision })),
          { rounds: p.cachedLookups, warmup: 3 },
        );
        sent[key] = { a: counts.a / (p.cachedLookups + 3), b: counts.b / (p.cachedLookups + 3) };
      }
      const med = (id: string, f: (x: DownloadFigures) => number): number => quantile(figures.get(id)!.map(f), 0.5);
      const mbps = (id: string): number => med(id, (x) => p.bytes / MIB / (x.ms / 1000));
      const peak = (id: string): number => med(id, (x) => x.growth / MIB);
      return {
        id: this.id,
        title: this.title,
        tables: [
          {
            title: `one ${fmt(p.bytes / MIB)} MiB file from a local test hub (LFS, redirected to its CDN listener); median of ${p.rounds} round(s); × = ratio to @inferox/hub-cache`,
            headers: ['downloader', 'MiB/s', 'peak RSS growth (MiB)', 'throughput ÷ hub-cache', 'RSS growth ÷ hub-cache'],
            rows: DOWNLOADERS.map((d) => [d.label, fmt(mbps(d.id)), fmt(peak(d.id)), `${fmt(ratio(mbps(d.id), mbps('inferox')))}×`, `${fmt(ratio(peak(d.id), peak('inferox')))}×`]),
          },
          {
            title: `cached lookup of the same file (ms), ${p.cachedLookups} interleaved calls each`,
            headers: ['revision', 'hub-cache p50', '@huggingface/hub p50', 'hub-cache ÷ @huggingface/hub', 'hub requests per lookup (hub-cache / @huggingface/hub)'],
            rows: Object.entries(lookups).map(([rev, t]) => [
              rev === 'main' ? 'branch main' : 'commit sha',
              fmt(quantile(t.a, 0.5)),
              fmt(quantile(t.b, 0.5)),
              fmt(ratio(quantile(t.a, 0.5), quantile(t.b, 0.5))),
              `${fmt(sent[rev]!.a)} / ${fmt(sent[rev]!.b)}`,
            ]),
          },
        ],
        notes: [
          'Each download runs in a fresh child process that samples its own RSS every 5 ms (peak minus the RSS at the start of the download); downloaders run in rotating order each round. The test hub runs in the parent and generates the bytes on the fly.',
          'Cached lookups: the last column counts the requests the test hub received per lookup, so a lookup that asks the hub shows it.',
        ],
        raw: { bytes: p.bytes, downloads: Object.fromEntries(figures), lookups, requestsPerLookup: sent },
      };
    } finally {
      await hub.close();
      await rm(root, { recursive: true, force: true });
    }
  },
};

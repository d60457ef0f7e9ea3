import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchProfile } from '../bench-profile';
import { createBenchContext } from '../internal/create-bench-context';
import { fmt, quantile } from '../stats';
import { textEmbeddings, textEmbeddingsScenario, textEmbeddingsSizes } from './text-embeddings';

let workDir: string | undefined;
afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('textEmbeddings', () => {
  it('keeps 16 callers and every comparison in both the full run and the quick pass', () => {
    expect(textEmbeddings).toMatchObject({ id: 'text', number: 10 });
    expect(textEmbeddingsSizes(true)).toMatchObject({ clients: 16, bulk: 1000 });
    expect(textEmbeddingsSizes(false)).toMatchObject({ clients: 16, bulk: 10_000 });
  });

  it('checks both sides give the same embeddings, then reports every measure and goal when run small', async () => {
    workDir = await mkdtemp(join(tmpdir(), 'bench-text-'));
    const quick = benchProfile(true);
    const ctx = createBenchContext({ profile: { ...quick, transformers: { ...quick.transformers, model: 'tiny' } }, threads: 1, workDir, log: () => undefined });
    const scenario = textEmbeddingsScenario({ clients: 2, requestsPerClient: 2, rounds: 1, single: 3, warmup: 1, bulk: 8, mixedRequests: 2 });
    const r = await scenario.run(ctx);
    const raw = r.raw as {
      maxDiff: number;
      waste: number;
      single: { a: number[]; b: number[] };
      rps: Record<'shortTjs' | 'shortText' | 'shortLimit' | 'shortSingle' | 'longTjs' | 'longText' | 'longLimit', number[]>;
      bulkMs: { tjs: number[]; text: number[] };
      stats: { realTokens: number; paddedTokens: number };
    };
    // Same folder, same model: transformers.js and @inferox/text must agree before their speeds are compared.
    expect(raw.maxDiff).toBeLessThan(1e-4);
    expect(raw.single.a).toHaveLength(3);
    expect(raw.single.b).toHaveLength(3);
    for (const side of Object.values(raw.rps)) expect(side).toHaveLength(1);
    for (const side of Object.values(raw.rps)) expect(side[0]).toBeGreaterThan(0);
    expect(raw.bulkMs.tjs).toHaveLength(2);
    expect(raw.bulkMs.text).toHaveLength(2);
    expect(raw.stats.realTokens).toBeGreaterThan(0);
    expect(raw.stats.paddedTokens).toBeGreaterThanOrEqual(raw.stats.realTokens);
    expect(raw.waste).toBeGreaterThanOrEqual(0);
    expect(raw.waste).toBeLessThan(1);

    expect(r).toMatchObject({ id: 'text', title: '10. @inferox/text embeddings vs transformers.js' });
    expect(r.tables).toHaveLength(1);
    expect(r.tables[0]!.headers).toEqual(['measure', 'transformers.js', '@inferox/text', 'raw ORT pre-formed batches', 'ratio']);
    expect(r.tables[0]!.rows.map((row) => row[0])).toEqual([
      'one caller p50, 8–32 tokens (ms)',
      '2 callers, 8–32 tokens (requests/s)',
      'raw ORT, the same 8–32-token texts one per run (sequences/s)',
      '2 callers, 128 tokens (requests/s)',
      '8 texts in one call (ms, best of 2)',
      'longest event-loop stall during the 8-text call (ms)',
      'padding waste, 2 callers on 8–128 tokens',
    ]);
    expect(r.goals!.map((g) => [g.name, g.target])).toEqual([
      ['2 callers, short texts: text ÷ transformers.js requests/s', '≥ 3'],
      ['2 callers, 128 tokens: text ÷ raw ORT pre-formed batches', '≥ 0.85'],
      ['one caller: text p50 ÷ transformers.js p50', '≤ 1'],
      ['8 texts in one call: transformers.js time ÷ text time', '≥ 1.5'],
      ['padding waste on a mixed-length workload', '≤ 15%'],
    ]);
    // The short-text and 128-token goals are measured against raw ORT pre-formed batches, and name their figures.
    const limits = r.goals!.map((g) => g.limit);
    expect(limits[0]).toMatch(/^raw ORT running the same texts as pre-formed batches of 2 sorted by length, back to back \(no tokenizing, no pooling, no callers\): [\d.,]+ sequences\/s, [\d.]+× transformers\.js(, so 3× cannot be reached on this model and machine)?; text reaches [\d.]+× that limit\. Batching gives [\d.]+× one text per run here/);
    expect(limits.slice(1).map((l) => l?.replace(/[\d.,]+ sequences\/s$/, 'N sequences/s') ?? null)).toEqual(['raw ORT running [2, 128] batches back to back: N sequences/s', null, null, null]);
    // The reach is the limit over transformers.js, both from this run.
    const med = (v: number[]): number => quantile(v, 0.5);
    expect(limits[0]).toContain(`${fmt(med(raw.rps.shortLimit) / med(raw.rps.shortTjs))}× transformers.js`);
    expect(r.notes![0]).toContain('embeddings agree to');
  }, 180_000);
});

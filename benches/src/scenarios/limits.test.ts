import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchProfile } from '../bench-profile';
import { createBenchContext } from '../internal/create-bench-context';
import type { BenchContext } from '../scenario';
import { batchingEfficiency, batchingEfficiencyScenario, batchingEfficiencySizes } from './batching-efficiency';
import { defaults, defaultsScenario, defaultsSetups, defaultsSizes, noSetupMeetsBoth } from './defaults';
import { workerHandoff, workerHandoffScenario, workerHandoffSizes } from './worker-handoff';

// Issue 19's scenarios (11-13), run small on the tiny fixture: real engine, real onnxruntime, real worker threads.
// They check what is measured and recorded, never how fast.
let workDir: string;
let ctx: BenchContext;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'bench-limits-'));
  ctx = createBenchContext({ profile: benchProfile(true), threads: 1, workDir, log: () => undefined });
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

const number = /^\d[\d.,]*$/;

describe('batchingEfficiency', () => {
  it('measures tiny and small at sequence 16 and 128 with 32 clients in both the full run and the quick pass', () => {
    expect(batchingEfficiency).toMatchObject({ id: 'batching', number: 11 });
    for (const quick of [true, false]) {
      expect(batchingEfficiencySizes(quick)).toMatchObject({ models: ['tiny', 'small'], seqs: [16, 128], clients: 32, maxBatchSize: 16 });
    }
    expect(batchingEfficiencySizes(true).withoutBatching).toBe(false);
    expect(batchingEfficiencySizes(false).withoutBatching).toBe(true);
  });

  it('reports dynamic batching against pre-formed batches, the batch sizes it formed and a goal with its limit per sequence when run small', async () => {
    const scenario = batchingEfficiencyScenario({ models: ['tiny'], seqs: [4, 8], clients: 4, maxBatchSize: 2, maxQueueDelayMs: 1, windowMs: { tiny: 30 }, rounds: 1, withoutBatching: true });
    const r = await scenario.run(ctx);
    expect(r.tables[0]!.rows.map((row) => [row[0], row[1]])).toEqual([
      ['tiny', 4],
      ['tiny', 8],
    ]);
    expect(r.tables[1]!.rows).toHaveLength(2);
    expect(r.goals!.map((g) => [g.name, g.target])).toEqual([
      ['dynamic batching ≤2, 4 clients ÷ limit (tiny, seq 4)', '≥ 0.85×'],
      ['dynamic batching ≤2, 4 clients ÷ limit (tiny, seq 8)', '≥ 0.85×'],
    ]);
    expect(r.goals![0]!.limit).toMatch(/^raw ORT running \[2, 4\] batches back to back: [\d.,]+ requests\/s; /);
    // The evidence when the goal is missed: the pre-formed path's per-CPU ratio (the ceiling) and the CPU µs per request.
    expect(r.goals![0]!.limit).toMatch(/the engine on pre-formed batches [\d.]+× \(dynamic batching runs every step of that path per batch, so this is its ceiling\); CPU per request: the limit [\d.,]+ µs, the engine adds -?[\d.,]+ µs on a pre-formed batch and forming it from single requests -?[\d.,]+ µs more \(the hand-written batcher's whole cost: -?[\d.,]+ µs\)$/);
    const raw = r.raw as Record<string, { rps: Record<string, number[]>; perCpuSecond: Record<string, number[]>; sizes: Record<string, number> }>;
    expect(Object.keys(raw)).toEqual(['tiny/4', 'tiny/8']);
    for (const m of Object.values(raw)) {
      expect(Object.keys(m.rps).sort()).toEqual(['batching', 'handWritten', 'inline', 'limit', 'preformed']);
      for (const xs of Object.values(m.rps)) expect(xs).toHaveLength(1);
      // Every request of the dynamic-batching windows ran in a batch of 1 or 2, and some were counted.
      expect(Object.keys(m.sizes).every((size) => size === '1' || size === '2')).toBe(true);
      expect(Object.values(m.sizes).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
    expect(String(r.tables[0]!.rows[0]![2])).toMatch(number);
  });
});

describe('workerHandoff', () => {
  it('measures tiny and small at sequence 128 in both the full run and the quick pass', () => {
    expect(workerHandoff).toMatchObject({ id: 'workers', number: 12 });
    for (const quick of [true, false]) expect(workerHandoffSizes(quick)).toMatchObject({ models: ['tiny', 'small'], seq: 128 });
    // The comparison-only setups cost a quick pass 8 s of its 3 minutes.
    expect([workerHandoffSizes(true).variants, workerHandoffSizes(false).variants]).toEqual([false, true]);
  });

  it('reports the limit, every serving setup, the hand-off legs and a goal with its limit when run small', async () => {
    const scenario = workerHandoffScenario({ models: ['tiny'], seq: 8, clients: 4, windowMs: { tiny: 30 }, rounds: 1, echoes: 5, single: 3, variants: true });
    const r = await scenario.run(ctx);
    expect(r.tables[0]!.rows.map((row) => row[1])).toEqual([
      'limit: 2 raw sessions in 2 worker threads, back to back',
      '1 raw session in 1 worker thread, back to back',
      "Inferox instances { count: 2, mode: 'worker' } (defaults: 2 runs in flight per worker)",
      'Inferox 2 workers, maxConcurrent 1 (1 run in flight per worker, the default before issue 19)',
      'hand-written pool: 2 threads, postMessage per run, no limit in flight',
      'shared-memory pool: 2 threads, SharedArrayBuffer + Atomics per run, 1 run per thread, the rest queued on the main thread',
      "shared-memory pool, 2 slots per thread (the next run's feeds wait in shared memory)",
      'piscina 5 (maintained worker pool): 2 threads, 1 task per thread, the rest queued by piscina',
    ]);
    // The limit is 1× itself; every other rate is a number.
    expect(r.tables[0]!.rows[0]![3]).toBe('1');
    for (const row of r.tables[0]!.rows) expect(String(row[2])).toMatch(number);
    expect(r.tables[1]!.rows.map((row) => row[1])).toEqual([
      'echo, outputs cloned back',
      'echo, outputs transferred back',
      'echo over shared memory (Atomics.notify/wait in, waitAsync back), outputs copied out',
      'hand-written pool − raw session.run (one client, p50)',
      'shared-memory pool − raw session.run (one client, p50)',
      'Inferox 2 workers − Inferox inline (one client, p50)',
    ]);
    expect(r.goals!.map((g) => [g.name, g.target])).toEqual([['2 worker instances ÷ two-core limit, 4 clients (tiny, seq 8)', '≥ 0.85×']]);
    expect(r.goals![0]!.limit).toMatch(/^two raw sessions in two worker threads back to back: [\d.,]+ requests\/s \(one thread: [\d.,]+, /);
    // The shared-memory pool's figures beside the message pool's: both slot counts, its hand-off per call, its echo.
    expect(r.goals![0]!.limit).toMatch(
      /Without messages: a shared-memory pool \(SharedArrayBuffer \+ Atomics\) reached [\d.]+× \([\d.]+× per CPU-second\), [\d.]+× with 2 slots per thread; it adds -?[\d.,]+ µs per call at one client \(echo round trip: [\d.,]+ µs\)\. A maintained pool, piscina 5, reached [\d.]+× \([\d.]+× per CPU-second\)$/,
    );
    const raw = r.raw as { tiny: { rps: Record<string, number[]>; single: Record<string, number[]>; echoes: Record<string, Record<string, number>> } };
    expect(Object.keys(raw.tiny.rps)).toEqual(['limit', 'oneThread', 'engine', 'engine1', 'pool', 'sab', 'sab2', 'piscina']);
    expect(Object.keys(raw.tiny.single)).toEqual(['raw', 'inline', 'pool', 'sab', 'workers']);
    expect(Object.keys(raw.tiny.echoes)).toEqual(['cloned', 'transferred', 'shared']);
    for (const key of ['sab', 'sab2']) expect(raw.tiny.rps[key]![0]).toBeGreaterThan(0);
    for (const xs of Object.values(raw.tiny.rps)) expect(xs).toHaveLength(1);
    for (const xs of Object.values(raw.tiny.single)) expect(xs).toHaveLength(3);
    // Each echo leg is a positive duration, and a round trip is at least its two legs' sum minus clock noise.
    for (const e of Object.values(raw.tiny.echoes)) {
      expect(e.toWorker).toBeGreaterThan(0);
      expect(e.toMain).toBeGreaterThan(0);
      expect(e.roundTrip).toBeGreaterThan(0);
    }
  });
});

describe('defaults', () => {
  it('compares the no-option load with tuned setups, two worker instances only in full runs', () => {
    expect(defaults).toMatchObject({ id: 'defaults', number: 13 });
    expect(defaultsSizes(true).withWorkers).toBe(false);
    expect(defaultsSizes(false).withWorkers).toBe(true);
    expect(defaultsSetups(false).map((x) => x.id)).toEqual(['defaults', 'ort-default', 'threads-1', 'batching-0', 'batching-2']);
    expect(defaultsSetups(true).map((x) => x.id)).toEqual(['defaults', 'ort-default', 'threads-1', 'batching-0', 'batching-2', 'workers-batching']);
    // The defaults row gives no options at all: no session options, nothing beside the source.
    expect(defaultsSetups(false)[0]).toMatchObject({ session: undefined, spec: {} });
  });

  it('says no default can meet both bounds only when no setup of the run does', () => {
    const figures: Record<string, { rps: number; p50: number }> = { inline: { rps: 2400, p50: 0.5 }, workers: { rps: 3700, p50: 0.73 }, mixed: { rps: 3200, p50: 0.54 } };
    const setup = (id: string) => ({ id, label: id });
    const rpsOf = (id: string): number => figures[id]!.rps;
    const p50Of = (id: string): number => figures[id]!.p50;
    // mixed: 0.86× the best requests/s at 1.08× the best p50 meets both.
    expect(noSetupMeetsBoth(['inline', 'workers', 'mixed'].map(setup), rpsOf, p50Of, setup('workers'), setup('inline'))).toBe('');
    expect(noSetupMeetsBoth(['inline', 'workers'].map(setup), rpsOf, p50Of, setup('workers'), setup('inline'))).toBe(
      '; no setup of this run meets both bounds, so no default can: the fastest (workers) has 1.46× the best one-client p50, the quickest (inline) 0.649× the best requests/s',
    );
  });

  it('measures every setup at one client and at many, as ratios to the defaults, when run small', async () => {
    const scenario = defaultsScenario({ models: ['tiny'], seq: 8, clients: 4, windowMs: { tiny: 30 }, rounds: 1, single: 2, withWorkers: true });
    const r = await scenario.run(ctx);
    const rows = r.tables[0]!.rows;
    expect(rows.map((row) => row[1])).toEqual(defaultsSetups(true).map((x) => x.label));
    // The defaults row is 1× itself in both ratios.
    expect([rows[0]![3], rows[0]![5]]).toEqual(['1', '1']);
    for (const row of rows) for (const cell of [row[2], row[4], row[6]]) expect(String(cell)).toMatch(number);
    const raw = r.raw as { tiny: { single: Record<string, number[]>; rps: Record<string, number[]> } };
    for (const xs of Object.values(raw.tiny.single)) expect(xs).toHaveLength(2);
    for (const xs of Object.values(raw.tiny.rps)) expect(xs).toHaveLength(1);
    // Two goals per model, each against the best tuned setup of the run, named with its figure.
    expect(r.goals!.map((g) => [g.name, g.target])).toEqual([
      ["defaults: 4-client requests/s ÷ the best tuned setup's (tiny)", '≥ 0.85×'],
      ["defaults: one-client p50 ÷ the best tuned setup's (tiny)", '≤ 1.1×'],
    ]);
    const labels = defaultsSetups(true).slice(1).map((x) => x.label);
    const named = (limit: string | null, unit: RegExp): boolean => labels.some((label) => limit?.startsWith(`best tuned: ${label}: `) === true) && unit.test(limit!);
    expect(named(r.goals![0]!.limit, / [\d.,]+ requests\/s(; no setup of this run meets both bounds|$)/)).toBe(true);
    expect(named(r.goals![1]!.limit, /: p50 [\d.,]+ ms(; no setup of this run meets both bounds|$)/)).toBe(true);
  });
});

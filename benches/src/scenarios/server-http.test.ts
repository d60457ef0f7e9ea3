import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchProfile } from '../bench-profile';
import { createBenchContext } from '../internal/create-bench-context';
import { serverHttp, serverHttpScenario, serverHttpSizes } from './server-http';

let workDir: string | undefined;
afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('serverHttp', () => {
  it('sends 5,000 requests from 256 connections in both the full run and the quick pass', () => {
    expect(serverHttp.id).toBe('server');
    for (const quick of [true, false]) expect(serverHttpSizes(quick)).toMatchObject({ clients: 64, stressRequests: 5000, stressConnections: 256 });
  });

  it('checks that every side gives the same embedding, then reports the ratios and loses no request when run small', async () => {
    workDir = await mkdtemp(join(tmpdir(), 'bench-server-'));
    const ctx = createBenchContext({ profile: benchProfile(true), threads: 1, workDir, log: () => undefined });
    const scenario = serverHttpScenario({ singleRounds: 4, warmup: 2, clients: 4, requestsPerClient: 2, rounds: 1, stressRequests: 64, stressConnections: 16 });
    const r = await scenario.run(ctx);
    const raw = r.raw as { httpDiff: number; tjsDiff: number; stress: { sent: number; answered: number; failures: number }; single: { a: number[]; b: number[] } };
    expect(raw.httpDiff).toBe(0);
    expect(raw.tjsDiff).toBeLessThan(1e-5);
    expect(raw.stress).toMatchObject({ sent: 64, answered: 64, failures: 0 });
    expect(raw.single.a).toHaveLength(4);
    expect(r.goals!.map((g) => g.name)).toEqual([
      'added p50 over the in-process engine at one connection',
      'throughput at 4 connections ÷ in-process',
      'throughput at 4 connections ÷ transformers.js behind Fastify',
      'requests lost of 64 from 16 connections',
    ]);
    expect(r.goals![3]!.met).toBe(true);
    // The three speed goals name their limits with figures from this run, the bare-Fastify floor among them.
    const limits = r.goals!.map((g) => g.limit);
    expect(limits[0]).toMatch(/^the same text model called in process: p50 [\d.]+ ms; an HTTP round trip to bare Fastify answering a precomputed embedding \(no model\): p50 [\d.]+ ms(, over 0\.2 ms by itself, so the goal cannot be met on this machine)?; inferox serve adds -?[\d.]+ ms beyond that floor$/);
    expect(limits[1]).toMatch(/^the same text model called in process by 4 clients: [\d.,]+ requests\/s, [\d.,]+ µs of CPU per request; bare Fastify alone takes [\d.,]+ µs per request, so a server can give at most [\d.]+× in-process per CPU-second( and the goal cannot be met)?; inferox serve takes [\d.,]+ µs$/);
    expect(limits[2]).toMatch(/^transformers\.js behind Fastify takes [\d.,]+ µs of CPU per request, inferox serve [\d.,]+ \([\d.]+× less\); in-process work plus the bare Fastify floor is [\d.,]+ µs, so a server of this model can be at most [\d.]+× transformers\.js per CPU-second( and the goal cannot be met)?$/);
    expect(limits[3]).toBeNull();
    // The floor answers like the server: the bare route's round trips were measured and checked.
    expect((r.raw as { floorSingle: { a: number[] } }).floorSingle.a).toHaveLength(4);
  }, 120_000);
});

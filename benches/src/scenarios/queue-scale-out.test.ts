import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchProfile } from '../bench-profile';
import { createBenchContext } from '../internal/create-bench-context';
import { queueScaleOut, queueScaleOutScenario, queueScaleOutSizes } from './queue-scale-out';

let workDir: string | undefined;
afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('queueScaleOut', () => {
  it('measures 1, 2, 4 and 8 device-bound workers and 1 and 2 BERT workers in both the full run and the quick pass', () => {
    expect(queueScaleOut).toMatchObject({ id: 'queue', number: 9 });
    for (const quick of [true, false]) expect(queueScaleOutSizes(quick)).toMatchObject({ counts: [1, 2, 4, 8], bertWorkers: [1, 2] });
    expect([queueScaleOutSizes(true).windowMs, queueScaleOutSizes(false).windowMs]).toEqual([700, 1000]);
  });

  it('scales worker processes on a real redis-server, loses no job and reports every table and goal when run small', async () => {
    // The scenario starts its own redis-server and worker processes and stops them all before it returns.
    workDir = await mkdtemp(join(tmpdir(), 'bench-queue-'));
    const ctx = createBenchContext({ profile: benchProfile(true), threads: 1, workDir, log: () => undefined });
    const scenario = queueScaleOutScenario({
      counts: [1, 2],
      rounds: 1,
      windowMs: 300,
      warmupPerClient: 1,
      latencyRounds: 5,
      latencyWarmup: 2,
      bertWorkers: [1, 2],
      bertRequestsPerClient: 2,
      bertWarmup: 1,
    });
    const r = await scenario.run(ctx);
    const raw = r.raw as {
      scale: { workers: number; failures: number }[];
      viaQueue: number[];
      viaBullmq: number[];
      inProcess: number[];
      bert: { workers: number; rps: number; failures: number }[];
    };
    expect(raw.scale.map((s) => [s.workers, s.failures])).toEqual([
      [1, 0],
      [2, 0],
    ]);
    expect(raw.viaQueue).toHaveLength(5);
    expect(raw.viaBullmq).toHaveLength(5);
    expect(raw.inProcess).toHaveLength(5);
    expect(raw.bert.map((b) => [b.workers, b.failures])).toEqual([
      [1, 0],
      [2, 0],
    ]);
    // Every embedding request answered, so each measurement counted all 16 of them.
    for (const b of raw.bert) expect(b.rps).toBeGreaterThan(0);

    expect(r.id).toBe('queue');
    const [scale, latency, bert] = r.tables;
    expect(r.tables).toHaveLength(3);
    expect(scale!.headers).toEqual(['workers', 'jobs/s', 'ideal (N × 1 worker)', 'scaling (÷ ideal)', 'p50 ms', 'p99 ms', 'worker run p50 ms (20 = not starved)', 'failures']);
    expect(scale!.rows.map((row) => [row[0], row[7]])).toEqual([
      [1, 0],
      [2, 0],
    ]);
    expect(scale!.title).toContain('1 interleaved 0.3 s windows per worker count');
    expect(latency!.headers).toEqual(['path', 'p50 ms', 'p99 ms']);
    expect(latency!.rows.map((row) => row[0])).toEqual([
      'through Redis (client → BullMQ → worker process → client)',
      'bare BullMQ (Queue.add → a Worker process without Inferox → QueueEvents completed)',
      'engine.infer in process',
      'added by the queue',
      'added by bare BullMQ',
    ]);
    expect(latency!.title).toContain('5 interleaved rounds');
    expect(bert!.headers).toEqual(['workers', 'embeddings/s', 'p50 ms', '÷ 1 worker', 'failures']);
    expect(bert!.rows.map((row) => [row[0], row[3], row[4]])).toEqual([
      [1, '1', 0],
      [2, expect.any(String), 0],
    ]);
    expect(r.goals!.map((g) => [g.name, g.target])).toEqual([
      ['2 workers ÷ (2 × 1 worker), device-bound', '≥ 0.9'],
      ['p50 latency added by the queue at low load', '≤ 2 ms'],
    ]);
    expect(r.goals![0]!.limit).toMatch(/^2 × one worker's [\d.,]+ jobs\/s = [\d.,]+ jobs\/s$/);
    expect(r.goals![1]!.limit).toMatch(
      /^engine\.infer in process: p50 [\d.,]+ ms; bare BullMQ \(a worker process without Inferox, the same 0 ms runs\) adds -?[\d.,]+ ms(, so no queue on BullMQ can meet the goal on this machine)?, the queue -?[\d.,]+ ms beyond it$/,
    );
  }, 180_000);
});

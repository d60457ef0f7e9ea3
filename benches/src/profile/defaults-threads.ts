/**
 * Issue 19, defaults: intra-op threads of a model of 16 MiB or more (the small BERT, 43 MiB). Scenario 13's load at
 * sequence 128 (one client, one call per setup in turn, then 32 closed-loop clients; the engine batches ≤ 16 by
 * default), with thread count and spinning the only differences between the inline setups, beside raw `session.run`
 * of a [16, 128] batch by thread count, and two worker instances with one thread each and with the default (each
 * instance's share of the cores, the engine's `cpuThreads`). Prints medians of interleaved windows: one-client p50,
 * 32-client requests/s, and CPUs in use (CPU time ÷ wall time: 1.0 means one thread did the work).
 *
 *   cd benches && node --import tsx src/profile/defaults-threads.ts [windowMs=2000] [rounds=3]
 *
 * Runs the packages' builds (`npx nx run-many -t build` first): worker instances load `dist/`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Engine, type ModelSpec, createEngine } from '@inferox/engine';
import { type OnnxSessionOptions, createOnnxBackend } from '@inferox/onnx-backend';
import { benchProfile } from '../bench-profile';
import { bertFeeds } from '../internal/bert-feeds';
import { closedLoopFor } from '../internal/closed-loop';
import { createBenchContext } from '../internal/create-bench-context';
import { rawSession } from '../internal/sides';
import { fmt, quantile } from '../stats';

/** CPU time ÷ wall time of `run` in this process (every thread). */
async function cpusOf<T>(run: () => Promise<T>): Promise<{ result: T; cpus: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const result = await run();
  const wallMs = performance.now() - t0;
  const spent = process.cpuUsage(cpu);
  return { result, cpus: (spent.user + spent.system) / 1000 / wallMs, wallMs };
}

async function main(): Promise<void> {
  const windowMs = Number(process.argv[2] ?? 2000);
  const rounds = Number(process.argv[3] ?? 3);
  const cores = availableParallelism();
  const workDir = await mkdtemp(join(tmpdir(), 'inferox-threads-'));
  const { onnxPath: source } = await createBenchContext({ profile: benchProfile(true), threads: 1, workDir }).model('small');
  const setups: Record<string, { session?: OnnxSessionOptions; spec?: Omit<ModelSpec, 'source'> }> = {
    defaults: {},
    'threads 0 (onnxruntime)': { session: { intraOpNumThreads: 0 } },
    'threads 1': { session: { intraOpNumThreads: 1 } },
    [`threads ${cores}, spinning`]: { session: { intraOpNumThreads: cores, extra: { session: { intra_op: { allow_spinning: '1' } } } } },
    [`threads ${cores}, no spinning`]: { session: { intraOpNumThreads: cores, extra: { session: { intra_op: { allow_spinning: '0' } } } } },
    '2 workers, threads 1': { session: { intraOpNumThreads: 1 }, spec: { instances: { count: 2, mode: 'worker' }, maxConcurrent: 2 } },
    '2 workers, default threads': { spec: { instances: { count: 2, mode: 'worker' }, maxConcurrent: 2 } },
  };
  const one = bertFeeds(1, 128);
  const engines = new Map<string, Engine>();
  try {
    for (const thread of [0, 1, cores]) {
      const session = await rawSession(source, thread);
      const batch = bertFeeds(16, 128).ort;
      for (let i = 0; i < 3; i++) await session.run(batch);
      const { cpus, wallMs } = await cpusOf(async () => {
        for (let i = 0; i < 20; i++) await session.run(batch);
      });
      console.log(`raw session.run [16, 128], intraOpNumThreads ${thread}: ${fmt(wallMs / 20)} ms a run, ${fmt(cpus)} CPUs`);
      await session.release();
    }
    for (const [id, s] of Object.entries(setups)) {
      const engine = createEngine({ backends: [createOnnxBackend(s.session ? { sessionOptions: s.session } : {})] });
      engines.set(id, engine);
      await engine.load('m', { source, ...s.spec });
      await engine.infer('m', one.core);
    }
    const single = new Map<string, number[]>([...engines.keys()].map((id) => [id, []]));
    for (let i = 0; i < 120; i++) {
      for (const [id, engine] of engines) {
        const t0 = performance.now();
        await engine.infer('m', one.core);
        if (i >= 20) single.get(id)!.push(performance.now() - t0);
      }
    }
    for (const engine of engines.values()) await closedLoopFor(() => engine.infer('m', one.core), { clients: 32, durationMs: 300 });
    const rps = new Map<string, number[]>([...engines.keys()].map((id) => [id, []]));
    const cpus = new Map<string, number[]>([...engines.keys()].map((id) => [id, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...engines].reverse() : [...engines];
      for (const [id, engine] of order) {
        const w = await cpusOf(() => closedLoopFor(() => engine.infer('m', one.core), { clients: 32, durationMs: windowMs }));
        rps.get(id)!.push((w.result.latencies.length * 1000) / w.result.wallMs);
        cpus.get(id)!.push(w.cpus);
      }
    }
    console.log(`engine, sequence 128 (${cores} logical CPUs; ${rounds} rounds of ${windowMs} ms windows, 32 clients):`);
    for (const id of engines.keys()) {
      console.log(`  ${id}: one-client p50 ${fmt(quantile(single.get(id)!, 0.5))} ms, ${fmt(quantile(rps.get(id)!, 0.5))} requests/s, ${fmt(quantile(cpus.get(id)!, 0.5))} CPUs`);
    }
  } finally {
    await Promise.all([...engines.values()].map((e) => e.close()));
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();

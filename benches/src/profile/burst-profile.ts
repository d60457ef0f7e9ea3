/**
 * Issue 19, bursts: where an inline engine spends its time draining 10,000 requests started at once, against raw
 * `session.run` under `Promise.all` of the same burst. Measures process CPU time per request (less sensitive to a
 * loaded machine than wall time) and the time in garbage collection (PerformanceObserver 'gc' entries; minor =
 * scavenges of the young generation), per side,
 * sides alternating for `rounds` rounds. Run with `--cpu-prof` for a profile of the engine side.
 *
 *   cd benches && node --expose-gc --import tsx src/profile/burst-profile.ts [requests=10000] [rounds=3] [sides=raw,engine] (also: queue)
 *
 * Environment: `MC=n` loads the engine's model with `maxConcurrent: n` (runs in flight on its one inline instance);
 * `ROUNDS=1` also prints each round's wall µs per request (the first round of a process runs slower).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { benchProfile } from '../bench-profile';
import { bertFeeds } from '../internal/bert-feeds';
import { createBenchContext } from '../internal/create-bench-context';
import { settleAll } from '../internal/settle-all';
import { onnxEngine, rawSession } from '../internal/sides';
import { quantile } from '../stats';

/** GC time by kind (node's `NODE_PERFORMANCE_GC_*` flags: 1 minor, 2 major, 4 incremental, 8 weak callbacks). */
const gcByKind = new Map<number, number>();
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail)?.kind ?? 0;
    gcByKind.set(kind, (gcByKind.get(kind) ?? 0) + entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

async function main(): Promise<void> {
  const [requestsText = '10000', roundsText = '3', sidesText = 'raw,engine'] = process.argv.slice(2);
  const requests = Number(requestsText);
  const workDir = await mkdtemp(join(tmpdir(), 'inferox-burst-'));
  const { onnxPath: onnx } = await createBenchContext({ profile: benchProfile(true), threads: 1, workDir }).model('tiny');
  const feeds = bertFeeds(1, 16);
  const session = await rawSession(onnx, 1);
  const engine = await onnxEngine('bert', { source: onnx, maxQueueSize: requests, ...(process.env.MC ? { maxConcurrent: Number(process.env.MC) } : {}) }, 1);
  try {
    // `queue`: the least a queue in front of one session can do, runs one at a time chained on promises (no priorities,
    // deadlines, validation or metrics): what serving the burst one run at a time costs over Promise.all.
    let tail: Promise<unknown> = Promise.resolve();
    const queued = (): Promise<unknown> => {
      const run = tail.then(() => session.run(feeds.ort));
      tail = run.catch(() => undefined);
      return run;
    };
    const all: Record<string, () => Promise<unknown>> = { raw: () => session.run(feeds.ort), queue: queued, engine: () => engine.infer('bert', feeds.core) };
    const sides = sidesText.split(',');
    for (const side of sides) await settleAll(200, all[side]!, 60_000);
    const rows: Record<string, { cpuUs: number[]; gcUs: number[]; minorGcUs: number[]; wallUs: number[]; p99Ms: number[] }> = Object.fromEntries(sides.map((s) => [s, { cpuUs: [], gcUs: [], minorGcUs: [], wallUs: [], p99Ms: [] }]));
    for (let round = 0; round < Number(roundsText); round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        (globalThis as { gc?: () => void }).gc?.();
        await new Promise((r) => setTimeout(r, 50));
        gcByKind.clear();
        const cpu0 = process.cpuUsage();
        const outcome = await settleAll(requests, all[side]!, 300_000);
        const cpu = process.cpuUsage(cpu0);
        const row = rows[side]!;
        row.cpuUs.push((cpu.user + cpu.system) / requests);
        row.wallUs.push((outcome.wallMs * 1000) / requests);
        row.p99Ms.push(quantile(outcome.latencies, 0.99));
        // GC entries reach the observer after the fact: wait for the burst's last ones before reading them.
        await new Promise((r) => setTimeout(r, 20));
        row.gcUs.push(([...gcByKind.values()].reduce((a, b) => a + b, 0) * 1000) / requests);
        row.minorGcUs.push(((gcByKind.get(1) ?? 0) * 1000) / requests);
      }
    }
    const med = (xs: number[]): number => Math.round(quantile(xs, 0.5) * 10) / 10;
    if (process.env.ROUNDS) console.log(JSON.stringify(Object.fromEntries(Object.entries(rows).map(([s, r]) => [s, r.wallUs.map(Math.round)]))));
    console.log(JSON.stringify(Object.entries(rows).map(([side, r]) => ({ side, cpuUsPerRequest: med(r.cpuUs), gcUsPerRequest: med(r.gcUs), minorGcUsPerRequest: med(r.minorGcUs), wallUsPerRequest: med(r.wallUs), p99Ms: med(r.p99Ms) }))));
  } finally {
    await engine.close();
    await session.release();
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();

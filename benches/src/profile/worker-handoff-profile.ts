/**
 * Profiling driver for issue 19's worker hand-off: two engine worker instances (one and two runs in flight per
 * worker) and a hand-written two-thread pool, 8 closed-loop clients on the tiny BERT at sequence 128, windows
 * interleaved. Not a test and not a scenario. Besides requests/s it reports CPU time per request of the main thread
 * and of every other thread of the process, read from `/proc/self/task/<tid>/stat` (Linux, 10 ms ticks): unlike wall
 * time and event-loop utilisation, CPU time stays meaningful when other processes load the cores.
 *
 *   cd benches && node --import tsx --conditions=@inferox/source \
 *     --require ../packages/engine/src/workers/ts-worker-loader.fixture.mjs \
 *     src/profile/worker-handoff-profile.ts [rounds=3] [windowMs=3000] [model=tiny|small]
 *
 * Add `--cpu-prof --cpu-prof-dir=/tmp/wh` before `--import` for V8 profiles of every thread, and read them with
 * `analyse-cpuprofile.ts`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BertSizeName, benchProfile } from '../bench-profile';
import { bertFeeds } from '../internal/bert-feeds';
import { createBenchContext } from '../internal/create-bench-context';
import { closedLoopFor } from '../internal/closed-loop';
import { OrtThread } from '../internal/ort-threads';
import { onnxEngine } from '../internal/sides';

const TINY = fileURLToPath(new URL('../../../fixtures/tiny-bert-hf/model.onnx', import.meta.url));
const SEQ = 128;
const CLIENTS = 8;
/** Clock ticks per second of `/proc/<pid>/task/<tid>/stat` (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU ticks so far of the main thread and of all other threads of this process. */
function threadTicks(): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    let fields: string[];
    try {
      fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    } catch {
      continue; // the thread ended meanwhile
    }
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    if (Number(tid) === process.pid) main += ticks;
    else others += ticks;
  }
  return { main, others };
}

/** Main-thread garbage collection so far, ms (PerformanceObserver 'gc' entries). */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

async function window(request: () => Promise<unknown>, windowMs: number): Promise<Record<string, number>> {
  const gcBefore = gcMs;
  const before = threadTicks();
  const r = await closedLoopFor(request, { clients: CLIENTS, durationMs: windowMs });
  const after = threadTicks();
  if (r.failures > 0) throw new Error(`${r.failures} requests failed: ${String(r.firstError)}`);
  const n = r.latencies.length;
  const us = (ticks: number): number => Math.round((ticks * 1e6) / TICKS_PER_SECOND / n);
  // GC entries reach the observer after the fact: let the window's last ones in.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return {
    rps: Math.round(r.rps),
    mainCpuUsPerRequest: us(after.main - before.main),
    mainGcUsPerRequest: Math.round(((gcMs - gcBefore) * 1000) / n),
    otherThreadsCpuUsPerRequest: us(after.others - before.others),
  };
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const windowMs = Number(process.argv[3] ?? 3000);
  const size = (process.argv[4] ?? 'tiny') as BertSizeName;
  const workDir = await mkdtemp(join(tmpdir(), 'inferox-handoff-'));
  const ONNX = size === 'tiny' ? TINY : (await createBenchContext({ profile: benchProfile(true), threads: 1, workDir }).model(size)).onnxPath;
  const feeds = bertFeeds(1, SEQ);
  const engine = await onnxEngine('workers', { source: ONNX, instances: { count: 2, mode: 'worker' } }, 1);
  const threads = await Promise.all([0, 1].map(() => OrtThread.start({ onnxPath: ONNX, threads: 1 })));
  try {
    await engine.load('workers-1-in-flight', { backends: ['onnx'], source: ONNX, instances: { count: 2, mode: 'worker' }, maxConcurrent: 1, batching: false });
    const wire = Object.entries(feeds.ort).map(([name, t]) => ({ name, data: t.data as BigInt64Array }));
    let turn = 0;
    const setups: Record<string, () => Promise<unknown>> = {
      'engine (defaults: 2 in flight per worker)': () => engine.infer('workers', feeds.core),
      'engine, 1 in flight per worker': () => engine.infer('workers-1-in-flight', feeds.core),
      'hand-written pool': () => threads[turn++ % 2]!.run(wire, 1, SEQ),
    };
    for (const request of Object.values(setups)) await window(request, 500);
    for (let round = 0; round < rounds; round++) {
      for (const [name, request] of Object.entries(setups)) console.log(JSON.stringify({ round, setup: name, ...(await window(request, windowMs)) }));
    }
  } finally {
    await engine.close();
    await Promise.all(threads.map((t) => t.close()));
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();

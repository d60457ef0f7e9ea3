import { performance } from 'node:perf_hooks';
import type { Engine } from '@inferox/engine';
import type * as ort from 'onnxruntime-node';
import type { BertSizeName } from '../bench-profile';
import { checkGoal, ratio } from '../goal';
import { bertFeeds } from '../internal/bert-feeds';
import { closedLoopFor } from '../internal/closed-loop';
import { type WindowRate, cpuWindow } from '../internal/cpu-window';
import { type HandOff, OrtThread } from '../internal/ort-threads';
import { roundOrder } from '../internal/round-order';
import { PiscinaPool } from '../internal/piscina-pool';
import { SabPool } from '../internal/sab-pool';
import { onnxEngine, rawSession } from '../internal/sides';
import type { Scenario } from '../scenario';
import { fmt, quantile } from '../stats';

/** Sizes of scenario 12; the defaults depend on `--quick`. */
export interface WorkerHandoffSizes {
  readonly models: readonly BertSizeName[];
  readonly seq: number;
  /** Closed-loop clients of the two-worker setups. */
  readonly clients: number;
  /** Length of every measured window (closed loops and the limit's back-to-back loops) per model, ms. */
  readonly windowMs: Readonly<Partial<Record<BertSizeName, number>>>;
  /** Interleaved rounds: each round measures every setup once, in rotating order. */
  readonly rounds: number;
  /** Echo round trips per payload kind. */
  readonly echoes: number;
  /** One-client calls per side (interleaved), after a tenth as many warm-up calls. */
  readonly single: number;
  /**
   * Also measure the setups that only compare (full runs): two workers with one run in flight each (the default before
   * issue 19) and the shared-memory pool with two slots per thread.
   */
  readonly variants: boolean;
}

/** The sizes of a full run or a quick pass. */
export function workerHandoffSizes(quick: boolean): WorkerHandoffSizes {
  return quick
    ? { models: ['tiny', 'small'], seq: 128, clients: 8, windowMs: { tiny: 300, small: 450 }, rounds: 3, echoes: 100, single: 30, variants: false }
    : { models: ['tiny', 'small'], seq: 128, clients: 8, windowMs: { tiny: 2000, small: 2000 }, rounds: 3, echoes: 1000, single: 300, variants: true };
}

const med = (xs: readonly number[]): number => (xs.length ? quantile(xs, 0.5) : Number.NaN);

/** Longest warm-up window of a serving setup, ms: a full window each took 24 s of a full run, 5 of a quick pass. */
const WARM_UP_MS = 200;

/**
 * Scenario 12 (issue 19): two engine worker instances against the two-core limit (two raw onnxruntime sessions in
 * two worker threads running back to back, no message per run), a hand-written two-thread pool, and the hand-off
 * per call measured on its own (post → worker, worker → main; cloned vs transferred outputs). A shared-memory pool
 * (SharedArrayBuffer + Atomics, src/internal/sab-pool.ts) with one and two runs per thread shows whether shared
 * memory beats messages here.
 */
export const workerHandoff: Scenario = workerHandoffScenario();

/** Scenario 12 with the given sizes (tests run it small). */
export function workerHandoffScenario(sizes?: WorkerHandoffSizes): Scenario {
  return {
    id: 'workers',
    number: 12,
    title: '12. Worker instances vs the two-core limit, and the hand-off per call',
    async run(ctx) {
      const s = sizes ?? workerHandoffSizes(ctx.profile.quick);
      const throughputRows: (string | number)[][] = [];
      const handoffRows: (string | number)[][] = [];
      const goals = [];
      const raw: Record<string, unknown> = {};
      for (const name of s.models) {
        const model = await ctx.model(name);
        const feeds = bertFeeds(1, s.seq);
        const wire = Object.entries(feeds.ort).map(([input, t]) => ({ name: input, data: t.data as BigInt64Array }));
        let engine: Engine | undefined;
        let session: ort.InferenceSession | undefined;
        const threads: OrtThread[] = [];
        const sabPools: SabPool[] = [];
        let piscina: PiscinaPool | undefined;
        try {
          session = await rawSession(model.onnxPath, ctx.threads);
          engine = await onnxEngine('inline', { source: model.onnxPath }, ctx.threads);
          await engine.load('workers', { backends: ['onnx'], source: model.onnxPath, instances: { count: 2, mode: 'worker' }, batching: false });
          if (s.variants) await engine.load('workers-1-in-flight', { backends: ['onnx'], source: model.onnxPath, instances: { count: 2, mode: 'worker' }, maxConcurrent: 1, batching: false });
          threads.push(...(await Promise.all([0, 1].map(() => OrtThread.start({ onnxPath: model.onnxPath, threads: ctx.threads })))));
          const [a, b] = threads as [OrtThread, OrtThread];
          sabPools.push(
            ...(await Promise.all((s.variants ? [1, 2] : [1]).map((depth) => SabPool.start({ onnxPath: model.onnxPath, threads: ctx.threads, seq: s.seq, depth })))),
          );
          const [sab, sab2] = sabPools as [SabPool, SabPool | undefined];
          piscina = await PiscinaPool.start({ onnxPath: model.onnxPath, threads: ctx.threads, size: 2, seq: s.seq });
          const pisc = piscina;
          const e = engine;
          const sess = session;
          let turn = 0;
          const pool = (): Promise<unknown> => (turn++ % 2 === 0 ? a : b).run(wire, 1, s.seq);

          // The hand-off alone: an echo with this model's feeds cloned in and its outputs' size back.
          const outputFloats = s.seq * model.hidden + model.hidden;
          const echo = async (transfer: boolean): Promise<HandOff[]> => {
            const out: HandOff[] = [];
            for (let i = 0; i < s.echoes + 20; i++) {
              const h = await a.echo(wire, outputFloats, transfer);
              if (i >= 20) out.push(h);
            }
            return out;
          };
          const sharedEcho = async (): Promise<HandOff[]> => {
            const out: HandOff[] = [];
            for (let i = 0; i < s.echoes + 20; i++) {
              const h = await sab.echo(wire);
              if (i >= 20) out.push(h);
            }
            return out;
          };
          const echoes = { cloned: await echo(false), transferred: await echo(true), shared: await sharedEcho() };

          // One client, interleaved: what the hand-off adds to one call on an otherwise idle engine.
          const singleSides = {
            raw: () => sess.run(feeds.ort),
            inline: () => e.infer('inline', feeds.core),
            pool,
            sab: () => sab.run(wire),
            workers: () => e.infer('workers', feeds.core),
          };
          const single: Record<keyof typeof singleSides, number[]> = { raw: [], inline: [], pool: [], sab: [], workers: [] };
          const warm = Math.max(2, Math.round(s.single / 10));
          for (let i = 0; i < warm + s.single; i++) {
            for (const side of roundOrder(Object.keys(singleSides) as (keyof typeof singleSides)[], i)) {
              const t0 = performance.now();
              await singleSides[side]();
              if (i >= warm) single[side].push(performance.now() - t0);
            }
          }

          // Throughput: the limit (both threads back to back), one thread alone, and the serving setups.
          const windowMs = s.windowMs[name] ?? 1000;
          ctx.log(`  ${name}: ${s.rounds} rounds of ${windowMs} ms windows, ${s.clients} clients`);
          const setups = {
            limit: async (ms: number) => {
              const startAt = Date.now() + 20;
              const w = await cpuWindow(async () => {
                const r = await Promise.all([a.loop(1, s.seq, startAt, ms), b.loop(1, s.seq, startAt, ms)]);
                return { items: r[0].runs + r[1].runs, wallMs: Math.max(r[0].ms, r[1].ms) };
              });
              return { ...w, mainBusy: Number.NaN };
            },
            oneThread: async (ms: number) => {
              const w = await cpuWindow(async () => {
                const r = await a.loop(1, s.seq, Date.now() + 20, ms);
                return { items: r.runs, wallMs: r.ms };
              });
              return { ...w, mainBusy: Number.NaN };
            },
            engine: (ms: number) => measured(() => e.infer('workers', feeds.core), s, ms),
            ...(s.variants ? { engine1: (ms: number) => measured(() => e.infer('workers-1-in-flight', feeds.core), s, ms) } : {}),
            pool: (ms: number) => measured(pool, s, ms),
            sab: (ms: number) => measured(() => sab.run(wire), s, ms),
            ...(sab2 ? { sab2: (ms: number) => measured(() => sab2.run(wire), s, ms) } : {}),
            piscina: (ms: number) => measured(() => pisc.run(wire, 1, s.seq), s, ms),
          } as Record<'limit' | 'oneThread' | 'engine' | 'engine1' | 'pool' | 'sab' | 'sab2' | 'piscina', (ms: number) => Promise<WindowRate & { mainBusy: number }>>;
          type Key = keyof typeof setups;
          const keys = Object.keys(setups) as Key[];
          const measuredKey = (key: Key): boolean => keys.includes(key);
          // Warm-up of the serving setups (JIT, onnxruntime's arena, the pools' buffers): a short window each.
          for (const key of keys) if (key !== 'limit' && key !== 'oneThread') await setups[key](Math.min(windowMs, WARM_UP_MS));
          const perKey = (): Record<Key, number[]> => Object.fromEntries(keys.map((key) => [key, []])) as unknown as Record<Key, number[]>;
          const rps = perKey();
          const cpu = perKey();
          const busy = perKey();
          for (let round = 0; round < s.rounds; round++) {
            for (const key of roundOrder(keys, round)) {
              const r = await setups[key](windowMs);
              rps[key].push(r.rps);
              cpu[key].push(r.perCpuSecond);
              busy[key].push(r.mainBusy);
            }
          }
          const limit = med(rps.limit);
          const of = (key: Key): number => ratio(med(rps[key]), limit);
          const perCpu = (key: Key): number => ratio(med(cpu[key]), med(cpu.limit));
          const label = (key: Key, what: string): (string | number)[] => [
            name,
            what,
            fmt(med(rps[key])),
            fmt(of(key)),
            fmt(perCpu(key)),
            key === 'limit' || key === 'oneThread' ? '—' : `${fmt(med(busy[key]) * 100)}%`,
          ];
          throughputRows.push(
            label('limit', 'limit: 2 raw sessions in 2 worker threads, back to back'),
            label('oneThread', '1 raw session in 1 worker thread, back to back'),
            label('engine', `Inferox instances { count: 2, mode: 'worker' } (defaults: 2 runs in flight per worker)`),
            ...(measuredKey('engine1') ? [label('engine1', 'Inferox 2 workers, maxConcurrent 1 (1 run in flight per worker, the default before issue 19)')] : []),
            label('pool', 'hand-written pool: 2 threads, postMessage per run, no limit in flight'),
            label('sab', 'shared-memory pool: 2 threads, SharedArrayBuffer + Atomics per run, 1 run per thread, the rest queued on the main thread'),
            ...(measuredKey('sab2') ? [label('sab2', "shared-memory pool, 2 slots per thread (the next run's feeds wait in shared memory)")] : []),
            label('piscina', 'piscina 5 (maintained worker pool): 2 threads, 1 task per thread, the rest queued by piscina'),
          );
          const p50 = (side: keyof typeof single): number => med(single[side]);
          const leg = (xs: readonly HandOff[], k: keyof HandOff): number => med(xs.map((h) => h[k]));
          const us = (ms: number): string => fmt(ms * 1000);
          handoffRows.push(
            [name, 'echo, outputs cloned back', us(leg(echoes.cloned, 'toWorker')), us(leg(echoes.cloned, 'toMain')), us(leg(echoes.cloned, 'roundTrip'))],
            [name, 'echo, outputs transferred back', us(leg(echoes.transferred, 'toWorker')), us(leg(echoes.transferred, 'toMain')), us(leg(echoes.transferred, 'roundTrip'))],
            [name, 'echo over shared memory (Atomics.notify/wait in, waitAsync back), outputs copied out', us(leg(echoes.shared, 'toWorker')), us(leg(echoes.shared, 'toMain')), us(leg(echoes.shared, 'roundTrip'))],
            [name, 'hand-written pool − raw session.run (one client, p50)', '', '', us(p50('pool') - p50('raw'))],
            [name, 'shared-memory pool − raw session.run (one client, p50)', '', '', us(p50('sab') - p50('raw'))],
            [name, 'Inferox 2 workers − Inferox inline (one client, p50)', '', '', us(p50('workers') - p50('inline'))],
          );
          const mainBusy = med(busy.engine);
          goals.push(
            checkGoal(
              `2 worker instances ÷ two-core limit, ${s.clients} clients (${name}, seq ${s.seq})`,
              of('engine'),
              { atLeast: 0.85 },
              '×',
              `two raw sessions in two worker threads back to back: ${fmt(limit)} requests/s (one thread: ${fmt(med(rps.oneThread))}, so the machine gave ${fmt(ratio(limit, med(rps.oneThread)))}× one core); per CPU-second the engine reaches ${fmt(perCpu('engine'))}× the limit's; its main thread was busy ${fmt(mainBusy * 100)}% of the time, CPU the limit's two threads do not share. Floor of any hand-off by message: the hand-written pool (one message each way per run, no limit in flight) reached ${fmt(of('pool'))}× (${fmt(perCpu('pool'))}× per CPU-second); the engine's hand-off adds ${us(p50('workers') - p50('inline'))} µs per call at one client (pool: ${us(p50('pool') - p50('raw'))} µs; echo round trip with outputs transferred: ${us(leg(echoes.transferred, 'roundTrip'))} µs). Without messages: a shared-memory pool (SharedArrayBuffer + Atomics) reached ${fmt(of('sab'))}× (${fmt(perCpu('sab'))}× per CPU-second)${measuredKey('sab2') ? `, ${fmt(of('sab2'))}× with 2 slots per thread` : ''}; it adds ${us(p50('sab') - p50('raw'))} µs per call at one client (echo round trip: ${us(leg(echoes.shared, 'roundTrip'))} µs). A maintained pool, piscina 5, reached ${fmt(of('piscina'))}× (${fmt(perCpu('piscina'))}× per CPU-second)`,
            ),
          );
          raw[name] = { rps, perCpuSecond: cpu, busy, single, echoes: { cloned: summaryOf(echoes.cloned), transferred: summaryOf(echoes.transferred), shared: summaryOf(echoes.shared) } };
        } finally {
          await engine?.close();
          await session?.release();
          await Promise.all([...threads.map((t) => t.close()), ...sabPools.map((p) => p.close()), piscina?.close()]);
        }
      }
      return {
        id: this.id,
        title: this.title,
        tables: [
          {
            title: `requests/s, batch 1, sequence ${s.seq}, ${ctx.threads} intra-op thread(s) per session; median of ${s.rounds} interleaved windows of ${s.models.map((m) => `${s.windowMs[m] ?? 1000} ms (${m})`).join(', ')}; × = ÷ the two-core limit`,
            headers: ['model', 'setup', 'requests/s', '× limit', "per CPU-second ÷ limit's", 'main thread busy'],
            rows: throughputRows,
          },
          {
            title: `hand-off per call (µs, p50): this model's feeds (3 × ${s.seq} int64) posted to a worker, its outputs' size back`,
            headers: ['model', 'measure', 'post → worker handler', 'worker post → main handler', 'round trip'],
            rows: handoffRows,
          },
        ],
        goals,
        notes: [
          `The limit: two worker threads, each with its own raw onnxruntime-node session on the same ONNX file, running session.run back to back for the window (no message per run), started at the same instant; requests/s summed. It is what two cores give this model with nothing in between.`,
          `Serving setups: ${s.clients} closed-loop clients on the main thread for each window. "Main thread busy" is the main event loop's utilisation over the window (performance.eventLoopUtilization): the CPU it takes to hand requests to the workers and settle them, on a machine whose two cores the worker threads need too.`,
          `Shared-memory pool (src/internal/sab-pool.ts): per thread one SharedArrayBuffer with the feeds and outputs of 1 or 2 runs; the main thread writes the feeds and wakes the thread with Atomics.notify, the thread (blocked in Atomics.wait) runs its session, copies the outputs into shared memory and notifies; the main thread wakes with Atomics.waitAsync and copies the outputs out for the caller. onnxruntime-node takes no tensor over shared memory, so the thread copies the feeds in too. Callers beyond the free slots wait on the main thread; with 2 slots the next run's feeds are already there when a run ends.`,
          'Echo: a worker that answers at once; timestamps are performance.timeOrigin + performance.now() on each thread (one clock). "Inferox 2 workers − inline" is the hand-off the engine adds per call at one client, where nothing overlaps it: its run and result messages (a started message only for a run queued behind another on a busy worker), encoding and decoding.',
        ],
        raw,
      };
    },
  };
}

/** A closed loop of `s.clients` for `windowMs`, with the main event loop's utilisation over it. */
async function measured(request: () => Promise<unknown>, s: WorkerHandoffSizes, windowMs: number): Promise<WindowRate & { mainBusy: number }> {
  const before = performance.eventLoopUtilization();
  const w = await cpuWindow(async () => {
    const r = await closedLoopFor(request, { clients: s.clients, durationMs: windowMs });
    if (r.failures > 0) throw new Error(`${r.failures} requests failed: ${String(r.firstError)}`);
    return { items: r.latencies.length, wallMs: r.wallMs };
  });
  return { ...w, mainBusy: performance.eventLoopUtilization(before).utilization };
}

function summaryOf(xs: readonly HandOff[]): Record<keyof HandOff, number> {
  return { toWorker: med(xs.map((h) => h.toWorker)), toMain: med(xs.map((h) => h.toMain)), roundTrip: med(xs.map((h) => h.roundTrip)) };
}

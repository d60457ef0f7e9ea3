import { availableParallelism } from 'node:os';
import { createEngine, type Engine, type ModelSpec } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import type { BertSizeName } from '../bench-profile';
import { type Goal, checkGoal, ratio } from '../goal';
import { bertFeeds } from '../internal/bert-feeds';
import { closedLoopFor } from '../internal/closed-loop';
import { type WindowRate, cpuWindow } from '../internal/cpu-window';
import { roundOrder } from '../internal/round-order';
import { sessionOptions } from '../internal/sides';
import type { Scenario } from '../scenario';
import { fmt, quantile } from '../stats';

/** Sizes of scenario 13; the defaults depend on `--quick`. */
export interface DefaultsSizes {
  readonly models: readonly BertSizeName[];
  readonly seq: number;
  readonly clients: number;
  /** Window of each closed loop per model, ms. */
  readonly windowMs: Readonly<Partial<Record<BertSizeName, number>>>;
  readonly rounds: number;
  /** One-client calls per setup (interleaved), after a tenth as many warm-up calls. */
  readonly single: number;
  /** Also measure two worker instances with batching (slow to load; full runs). */
  readonly withWorkers: boolean;
}

/** What the defaults goals ask of one setup: ≥ 0.85× the best requests/s and ≤ 1.1× the best one-client p50. */
const RPS_BOUND = 0.85;
const P50_BOUND = 1.1;

/**
 * `''` when some setup measured meets both defaults bounds at once; else why no default can (the setups' figures are
 * the limit): the fastest setup's p50 and the quickest setup's requests/s against the best of each.
 */
export function noSetupMeetsBoth(
  setups: readonly { readonly id: string; readonly label: string }[],
  rpsOf: (id: string) => number,
  p50Of: (id: string) => number,
  fastest: { readonly id: string; readonly label: string },
  quickest: { readonly id: string; readonly label: string },
): string {
  const meets = (id: string): boolean => rpsOf(id) >= RPS_BOUND * rpsOf(fastest.id) && p50Of(id) <= P50_BOUND * p50Of(quickest.id);
  if (setups.some((x) => meets(x.id))) return '';
  return `; no setup of this run meets both bounds, so no default can: the fastest (${fastest.label}) has ${fmt(ratio(p50Of(fastest.id), p50Of(quickest.id)))}× the best one-client p50, the quickest (${quickest.label}) ${fmt(ratio(rpsOf(quickest.id), rpsOf(fastest.id)))}× the best requests/s`;
}

/** The sizes of a full run or a quick pass. */
export function defaultsSizes(quick: boolean): DefaultsSizes {
  return quick
    ? { models: ['tiny', 'small'], seq: 128, clients: 32, windowMs: { tiny: 200, small: 500 }, rounds: 2, single: 80, withWorkers: false }
    : { models: ['tiny', 'small'], seq: 128, clients: 32, windowMs: { tiny: 1000, small: 3000 }, rounds: 4, single: 200, withWorkers: true };
}

/** One way to serve the model: the engine's backend options and the model spec beside `source`. */
interface Setup {
  readonly id: string;
  readonly label: string;
  /** Session options of the engine's onnx backend; undefined: none given (onnxruntime's own defaults). */
  readonly session: ReturnType<typeof sessionOptions> | undefined;
  readonly spec: Omit<ModelSpec, 'source'>;
}

/**
 * The setups compared: what `engine.load(name, { source })` gives with no options, and tuned ones (`withWorkers`:
 * also two worker instances with batching).
 */
export function defaultsSetups(withWorkers: boolean): readonly Setup[] {
  return [
    { id: 'defaults', label: 'defaults: createOnnxBackend(), engine.load(name, { source })', session: undefined, spec: {} },
    { id: 'ort-default', label: "intraOpNumThreads 0, no batching (onnxruntime's own default at every model size, the default before issue 19)", session: sessionOptions(0), spec: { batching: false } },
    { id: 'threads-1', label: 'intraOpNumThreads 1, no batching (16 runs in flight under 16 MiB)', session: sessionOptions(1), spec: { batching: false } },
    { id: 'batching-0', label: 'intraOpNumThreads 1, batching ≤16, maxQueueDelayMs 0 (batch what is queued)', session: sessionOptions(1), spec: { batching: { maxBatchSize: 16, maxQueueDelayMs: 0 } } },
    { id: 'batching-2', label: 'intraOpNumThreads 1, batching ≤16, maxQueueDelayMs 2', session: sessionOptions(1), spec: { batching: { maxBatchSize: 16, maxQueueDelayMs: 2 } } },
    ...(withWorkers
      ? [
          {
            id: 'workers-batching',
            label: 'intraOpNumThreads 1, 2 workers (maxConcurrent 2), batching ≤16, maxQueueDelayMs 0',
            session: sessionOptions(1),
            spec: { instances: { count: 2, mode: 'worker' as const }, maxConcurrent: 2, batching: { maxBatchSize: 16, maxQueueDelayMs: 0 } },
          },
        ]
      : []),
  ];
}

const med = (xs: readonly number[]): number => (xs.length ? quantile(xs, 0.5) : Number.NaN);

/**
 * Scenario 13 (issue 19): what a model loaded with no options gets (one intra-op thread under 16 MiB of weights and
 * a thread per logical CPU above, threads that do not spin; batching ≤ 16 with no wait, the model having a batch dimension; one inline
 * instance) against tuned settings, at one client (p50) and at 32 clients (requests/s): the headline numbers for the
 * defaults beside the tuned ones.
 */
export const defaults: Scenario = defaultsScenario();

/** Scenario 13 with the given sizes (tests run it small). */
export function defaultsScenario(sizes?: DefaultsSizes): Scenario {
  return {
    id: 'defaults',
    number: 13,
    title: '13. Defaults vs tuned settings',
    async run(ctx) {
      const s = sizes ?? defaultsSizes(ctx.profile.quick);
      const setups = defaultsSetups(s.withWorkers);
      const rows: (string | number)[][] = [];
      const goals: Goal[] = [];
      const raw: Record<string, unknown> = {};
      for (const name of s.models) {
        const model = await ctx.model(name);
        const windowMs = s.windowMs[name] ?? 500;
        const feeds = bertFeeds(1, s.seq).core;
        const engines = new Map<string, Engine>();
        try {
          for (const setup of setups) {
            const engine = createEngine({ backends: [createOnnxBackend(setup.session ? { sessionOptions: setup.session } : {})] });
            engines.set(setup.id, engine);
            await engine.load('m', { source: model.onnxPath, ...setup.spec });
            await engine.infer('m', feeds);
          }
          const infer = (id: string) => () => engines.get(id)!.infer('m', feeds);
          const single: Record<string, number[]> = Object.fromEntries(setups.map((x) => [x.id, []]));
          const warm = Math.max(2, Math.round(s.single / 10));
          for (let i = 0; i < warm + s.single; i++) {
            for (const setup of roundOrder(setups, i)) {
              const t0 = performance.now();
              await infer(setup.id)();
              if (i >= warm) single[setup.id]!.push(performance.now() - t0);
            }
          }
          // Warm-up at full load: a setup that batches grows onnxruntime's arena for batches of up to 16 in its first
          // window, which cost the setup measured first 15% of a quick pass's median (the defaults, every time).
          for (const setup of setups) await closedLoopFor(infer(setup.id), { clients: s.clients, durationMs: Math.min(150, windowMs) });
          ctx.log(`  ${name}: ${s.rounds} rounds of ${windowMs} ms windows, ${s.clients} clients, ${setups.length} setups`);
          const rps: Record<string, number[]> = Object.fromEntries(setups.map((x) => [x.id, []]));
          const cpu: Record<string, number[]> = Object.fromEntries(setups.map((x) => [x.id, []]));
          for (let round = 0; round < s.rounds; round++) {
            for (const setup of roundOrder(setups, round)) {
              const w: WindowRate = await cpuWindow(async () => {
                const r = await closedLoopFor(infer(setup.id), { clients: s.clients, durationMs: windowMs });
                if (r.failures > 0) throw new Error(`${setup.id}: ${r.failures} requests failed: ${String(r.firstError)}`);
                return { items: r.latencies.length, wallMs: r.wallMs };
              });
              rps[setup.id]!.push(w.rps);
              cpu[setup.id]!.push(w.perCpuSecond);
            }
          }
          for (const setup of setups) {
            rows.push([
              name,
              setup.label,
              fmt(med(single[setup.id]!)),
              fmt(ratio(med(single[setup.id]!), med(single.defaults!))),
              fmt(med(rps[setup.id]!)),
              fmt(ratio(med(rps[setup.id]!), med(rps.defaults!))),
              fmt(med(cpu[setup.id]!)),
            ]);
          }
          // Issue 19: the defaults serve well when they come close to the best tuned setup measured beside them.
          const tuned = setups.slice(1);
          const best = (f: (id: string) => number, better: (a: number, b: number) => boolean): Setup => tuned.reduce((x, y) => (better(f(y.id), f(x.id)) ? y : x));
          const rpsOf = (id: string): number => med(rps[id]!);
          const p50Of = (id: string): number => med(single[id]!);
          const fastest = best(rpsOf, (a, b) => a > b);
          const quickest = best(p50Of, (a, b) => a < b);
          const neither = noSetupMeetsBoth(setups, rpsOf, p50Of, fastest, quickest);
          goals.push(
            checkGoal(`defaults: ${s.clients}-client requests/s ÷ the best tuned setup's (${name})`, ratio(rpsOf('defaults'), rpsOf(fastest.id)), { atLeast: 0.85 }, '×', `best tuned: ${fastest.label}: ${fmt(rpsOf(fastest.id))} requests/s${neither}`),
            checkGoal(`defaults: one-client p50 ÷ the best tuned setup's (${name})`, ratio(p50Of('defaults'), p50Of(quickest.id)), { atMost: 1.1 }, '×', `best tuned: ${quickest.label}: p50 ${fmt(p50Of(quickest.id))} ms${neither}`),
          );
          raw[name] = { single, rps, perCpuSecond: cpu };
        } finally {
          await Promise.all([...engines.values()].map((e) => e.close()));
        }
      }
      return {
        id: this.id,
        title: this.title,
        tables: [
          {
            title: `batch 1, sequence ${s.seq}: one client p50 and ${s.clients} closed-loop clients (median of ${s.rounds} interleaved windows); × = ÷ the defaults`,
            headers: ['model', 'setup', '1 client p50 (ms)', 'p50 × defaults', `${s.clients} clients requests/s`, 'requests/s × defaults', 'requests per CPU-second'],
            rows,
          },
        ],
        goals,
        notes: [
          `Defaults today: one intra-op thread for a model under 16 MiB of weights, else a thread per logical CPU (onnxruntime's own count, a thread per physical core by cpuinfo, gives one on this machine), none spinning; dynamic batching of up to 16 requests with no wait for a model with a batch dimension (both BERTs: dim 0 of every input and output is "batch"), one run in flight, so a lone request never waits and what queued while a run computed goes as one batch; one inline instance. Without a batch dimension: 16 runs in flight for a model under 16 MiB (they share a turn of the event loop), one above. This machine reports ${availableParallelism()} logical CPUs.`,
          'Every setup is its own engine with its own session on the same ONNX file; setups run in a balanced order (each leads in turn and follows every other equally often). "Requests per CPU-second" divides by this process\'s CPU time over the windows: a setup that spins threads or uses two cores shows it there.',
        ],
        raw,
      };
    },
  };
}

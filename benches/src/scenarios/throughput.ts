import type { Engine } from '@inferox/engine';
import type * as ort from 'onnxruntime-node';
import { ratio } from '../goal';
import { bertFeeds } from '../internal/bert-feeds';
import { closedLoop } from '../internal/closed-loop';
import { onnxEngine, rawSession } from '../internal/sides';
import { roundOrder } from '../internal/round-order';
import type { Scenario } from '../scenario';
import { fmt, quantile } from '../stats';
import type { Series } from '../svg-chart';

interface Setup {
  readonly name: string;
  /** The legend label (the chart's legend is narrow). */
  readonly short: string;
  readonly request: () => Promise<unknown>;
}

/** Scenario 2: requests/s and p50/p99 latency per concurrency level for raw ORT and four engine setups. */
export const throughput: Scenario = {
  id: 'throughput',
  number: 2,
  title: '2. Throughput and latency vs concurrency',
  async run(ctx) {
    const p = ctx.profile.throughput;
    const model = await ctx.model(p.model);
    const feeds = bertFeeds(1, p.seq);
    const batching = { maxBatchSize: p.maxBatchSize, maxQueueDelayMs: p.maxQueueDelayMs };
    const workers = { count: 2, mode: 'worker' as const };
    let session: ort.InferenceSession | undefined;
    let engine: Engine | undefined;
    try {
      session = await rawSession(model.onnxPath, ctx.threads);
      engine = await onnxEngine('inline', { source: model.onnxPath }, ctx.threads);
      await engine.load('batched', { backends: ['onnx'], source: model.onnxPath, batching });
      await engine.load('workers', { backends: ['onnx'], source: model.onnxPath, instances: workers, batching: false });
      await engine.load('both', { backends: ['onnx'], source: model.onnxPath, instances: workers, batching });
      const s = session;
      const e = engine;
      const setups: Setup[] = [
        { name: 'ORT Promise.all', short: 'raw ORT', request: () => s.run(feeds.ort) },
        { name: 'Inferox inline', short: 'inline', request: () => e.infer('inline', feeds.core) },
        { name: `Inferox batching ≤${p.maxBatchSize}`, short: 'batching', request: () => e.infer('batched', feeds.core) },
        { name: 'Inferox 2 workers', short: '2 workers', request: () => e.infer('workers', feeds.core) },
        { name: 'Inferox 2 workers + batching', short: '2 workers + batching', request: () => e.infer('both', feeds.core) },
      ];
      for (const setup of setups) await closedLoop(setup.request, { clients: 8, requestsPerClient: 3 });
      const rps = new Map<string, number[][]>(setups.map((x) => [x.name, []]));
      const lat = new Map<string, number[][]>(setups.map((x) => [x.name, []]));
      const failures = new Map<string, number>(setups.map((x) => [x.name, 0]));
      for (const clients of p.concurrency) {
        const requestsPerClient = Math.max(1, Math.ceil(Math.max(p.minRequests, clients * p.requestsPerClient) / clients));
        ctx.log(`  ${clients} clients × ${requestsPerClient} requests, ${p.rounds} rounds per setup`);
        const perRps = new Map<string, number[]>(setups.map((x) => [x.name, []]));
        const perLat = new Map<string, number[]>(setups.map((x) => [x.name, []]));
        for (let round = 0; round < p.rounds; round++) {
          for (const setup of roundOrder(setups, round)) {
            const r = await closedLoop(setup.request, { clients, requestsPerClient });
            perRps.get(setup.name)!.push(r.rps);
            perLat.get(setup.name)!.push(...r.latencies);
            failures.set(setup.name, failures.get(setup.name)! + r.failures);
            if (r.failures > 0) ctx.log(`  ${setup.name}: ${r.failures} failed: ${String(r.firstError)}`);
          }
        }
        for (const setup of setups) {
          rps.get(setup.name)!.push(perRps.get(setup.name)!);
          lat.get(setup.name)!.push(perLat.get(setup.name)!);
        }
      }
      const med = (xs: number[]): number => (xs.length ? quantile(xs, 0.5) : Number.NaN);
      const q = (xs: number[], k: number): number => (xs.length ? quantile(xs, k) : Number.NaN);
      const base = setups[0]!.name;
      const series = (f: (name: string, i: number) => number): Series[] =>
        setups.map((x) => ({ name: x.short, points: p.concurrency.map((c, i) => [c, f(x.name, i)] as const).filter(([, y]) => Number.isFinite(y)) }));
      const rpsOf = (name: string, i: number): number => med(rps.get(name)![i]!);
      const latOf = (name: string, i: number, k: number): number => q(lat.get(name)![i]!, k);
      return {
        id: this.id,
        title: this.title,
        tables: [
          {
            title: `requests/s (median of ${p.rounds} rounds; × = ratio to ORT) — ${p.model} model, batch 1, sequence ${p.seq}`,
            headers: ['clients', ...setups.map((x) => x.name)],
            rows: p.concurrency.map((c, i) => [
              c,
              ...setups.map((x) => (x.name === base ? fmt(rpsOf(x.name, i)) : `${fmt(rpsOf(x.name, i))} (${fmt(ratio(rpsOf(x.name, i), rpsOf(base, i)))}×)`)),
            ]),
          },
          {
            title: 'latency p50 / p99 (ms)',
            headers: ['clients', ...setups.map((x) => x.name)],
            rows: p.concurrency.map((c, i) => [c, ...setups.map((x) => `${fmt(latOf(x.name, i, 0.5))} / ${fmt(latOf(x.name, i, 0.99))}`)]),
          },
        ],
        charts: {
          throughput: { title: `Throughput: Inferox setups vs raw ORT, ${p.model} BERT, seq ${p.seq}`, xLabel: 'concurrent clients', yLabel: 'requests/s', logX: true, series: series((n, i) => rpsOf(n, i)) },
          'latency-p50': { title: 'Latency p50: Inferox setups vs raw ORT', xLabel: 'concurrent clients', yLabel: 'ms', logX: true, series: series((n, i) => latOf(n, i, 0.5)) },
          'latency-p99': { title: 'Latency p99: Inferox setups vs raw ORT', xLabel: 'concurrent clients', yLabel: 'ms', logX: true, series: series((n, i) => latOf(n, i, 0.99)) },
        },
        notes: [
          'Closed loop: each client sends its next request when the previous one answers. Setups run in rotating order within each round, so machine drift hits all alike; one warm-up pass per setup is excluded.',
          "Issue 6's fixed goals here (batching ≥ 3× no batching, 2 workers ≥ 1.6× one inline) mixed what the engine does with what the hardware gives; issue 19 replaced them with goals against measured limits: scenario 11 (batching vs pre-formed batches) and scenario 12 (workers vs the two-core limit).",
          `ORT Promise.all: one session, concurrent session.run calls. Batching: maxBatchSize ${p.maxBatchSize}, maxQueueDelayMs ${p.maxQueueDelayMs}. Workers: instances { count: 2, mode: 'worker' }, each its own session.`,
          ...[...failures].filter(([, n]) => n > 0).map(([name, n]) => `**${name}: ${n} requests failed.**`),
        ],
        raw: { concurrency: p.concurrency, rps: Object.fromEntries(rps), failures: Object.fromEntries(failures) },
      };
    } finally {
      await engine?.close();
      await session?.release();
    }
  },
};

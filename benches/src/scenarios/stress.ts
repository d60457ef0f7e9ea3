import type { Engine } from '@inferox/engine';
import type * as ort from 'onnxruntime-node';
import { checkGoal, ratio } from '../goal';
import { bertFeeds } from '../internal/bert-feeds';
import { roundOrder } from '../internal/round-order';
import { startRssSampler } from '../internal/rss-sampler';
import { type BurstOutcome, settleAll } from '../internal/settle-all';
import { onnxEngine, rawSession } from '../internal/sides';
import type { Scenario } from '../scenario';
import { fmt, quantile } from '../stats';

interface Run extends BurstOutcome {
  readonly rssGrowth: number;
  readonly peakRss: number;
}

const MIB = 2 ** 20;

function sumCounts(list: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const counts of list) for (const [k, n] of Object.entries(counts)) out[k] = (out[k] ?? 0) + n;
  return out;
}
const DEADLINE_MS = 300_000;

/** Scenario 7: 10,000 requests started at once on the tiny model: every one settles, none is lost; p99; peak RSS. */
export const stress: Scenario = {
  id: 'stress',
  number: 7,
  title: '7. Stress: 10,000 concurrent requests on the tiny model',
  async run(ctx) {
    const p = ctx.profile.stress;
    const model = await ctx.model('tiny');
    let session: ort.InferenceSession | undefined;
    let engine: Engine | undefined;
    try {
      session = await rawSession(model.onnxPath, ctx.threads);
      // The queues are sized for the burst; 'bounded' keeps the engine's default queue bound, to show back-pressure.
      const maxQueueSize = p.requests;
      engine = await onnxEngine('inline', { source: model.onnxPath, maxQueueSize }, ctx.threads);
      await engine.load('batched', { backends: ['onnx'], source: model.onnxPath, maxQueueSize, batching: { maxBatchSize: p.maxBatchSize, maxQueueDelayMs: 2 } });
      await engine.load('bounded', { backends: ['onnx'], source: model.onnxPath, batching: false });
      const s = session;
      const e = engine;
      const feeds = bertFeeds(1, p.seq);
      const sides = [
        { id: 'ort', label: 'ORT Promise.all', request: () => s.run(feeds.ort) },
        { id: 'inline', label: 'Inferox inline', request: () => e.infer('inline', feeds.core) },
        { id: 'batched', label: `Inferox batching ≤${p.maxBatchSize}`, request: () => e.infer('batched', feeds.core) },
        { id: 'bounded', label: 'Inferox inline, default queue bound', request: () => e.infer('bounded', feeds.core) },
      ];
      for (const side of sides) await settleAll(200, side.request, DEADLINE_MS);
      const runs = new Map<string, Run[]>(sides.map((x) => [x.id, []]));
      for (let round = 0; round < p.rounds; round++) {
        for (const side of roundOrder(sides, round)) {
          (globalThis as { gc?: () => void }).gc?.();
          ctx.log(`  round ${round + 1}/${p.rounds}: ${side.label}, ${p.requests} requests at once`);
          const sampler = startRssSampler(10);
          const outcome = await settleAll(p.requests, side.request, DEADLINE_MS);
          const rss = sampler.stop();
          runs.get(side.id)!.push({ ...outcome, rssGrowth: rss.growth, peakRss: rss.peak });
        }
      }
      const last = (id: string): Run => runs.get(id)!.at(-1)!;
      const med = (id: string, f: (r: Run) => number): number => quantile(runs.get(id)!.map(f), 0.5);
      const p99 = (id: string): number => med(id, (r) => (r.latencies.length ? quantile(r.latencies, 0.99) : Number.NaN));
      const wall = (id: string): number => med(id, (r) => r.wallMs);
      const all = [...runs.values()].flat();
      const lostTotal = (id: string): number => runs.get(id)!.reduce((n, r) => n + r.lost, 0);
      const rejectedTotal = (id: string): number => runs.get(id)!.reduce((n, r) => n + r.rejected, 0);
      return {
        id: this.id,
        title: this.title,
        tables: [
          {
            title: `${p.requests} requests started at once, batch 1, sequence ${p.seq}; median of ${p.rounds} round(s); ratios Inferox ÷ ORT`,
            headers: ['side', 'fulfilled', 'rejected', 'lost', 'wall (s)', 'requests/s', 'p50 (ms)', 'p99 (ms)', 'p99 ratio', 'wall ratio', 'peak RSS (MiB)', 'RSS growth (MiB)'],
            rows: sides.map((x) => [
              x.label,
              last(x.id).fulfilled,
              last(x.id).rejected,
              last(x.id).lost,
              fmt(wall(x.id) / 1000),
              fmt((p.requests * 1000) / wall(x.id)),
              fmt(med(x.id, (r) => quantile(r.latencies, 0.5))),
              fmt(p99(x.id)),
              x.id === 'ort' ? '1' : x.id === 'bounded' ? 'n/a' : fmt(ratio(p99(x.id), p99('ort'))),
              x.id === 'ort' ? '1' : x.id === 'bounded' ? 'n/a' : fmt(ratio(wall(x.id), wall('ort'))),
              fmt(med(x.id, (r) => r.peakRss) / MIB),
              fmt(med(x.id, (r) => r.rssGrowth) / MIB),
            ]),
          },
        ],
        goals: [
          // Issue 19: the limit is raw onnxruntime-node answering the same burst with Promise.all of session.run.
          checkGoal(`Inferox batching ≤${p.maxBatchSize}: p99 ÷ raw ORT Promise.all p99`, ratio(p99('batched'), p99('ort')), { atMost: 0.7 }, '×', `raw ORT Promise.all of ${p.requests} session.run calls: p99 ${fmt(p99('ort'))} ms`),
          checkGoal(
            'Inferox inline: p99 ÷ raw ORT Promise.all p99',
            ratio(p99('inline'), p99('ort')),
            { atMost: 1.1 },
            '×',
            // A burst's p99 is the time to drain it, so the ratio is per-call cost ÷ session.run's: spell out what it leaves the engine.
            `raw ORT Promise.all of ${p.requests} session.run calls: p99 ${fmt(p99('ort'))} ms, draining the burst at ${fmt((wall('ort') * 1000) / p.requests)} µs per call; ≤ 1.1× leaves the engine ${fmt((wall('ort') * 100) / p.requests)} µs per call (inline it took ${fmt(((wall('inline') - wall('ort')) * 1000) / p.requests)} µs more per call)`,
          ),
          checkGoal('Inferox inline: requests lost', lostTotal('inline'), { equal: 0 }),
          checkGoal('Inferox inline: requests rejected', rejectedTotal('inline'), { equal: 0 }),
          checkGoal('Inferox batching: requests lost', lostTotal('batched'), { equal: 0 }),
          checkGoal('Inferox batching: requests rejected', rejectedTotal('batched'), { equal: 0 }),
          checkGoal('Inferox default queue bound: requests lost', lostTotal('bounded'), { equal: 0 }),
        ],
        notes: [
          'Latency of a request: from the moment the whole burst starts to its settling (every request is sent at once, so this is the time it waited plus ran). "Lost" = neither fulfilled nor rejected within 5 minutes.',
          'RSS is sampled every 10 ms in this process during each burst; growth is peak minus the RSS when the burst starts.',
          `Inferox inline and batching get maxQueueSize ${p.requests} (the burst); "default queue bound" keeps the engine's default, so the requests past it are rejected at once with QUEUE_FULL (back-pressure, not loss).`,
          ...Object.entries(sumCounts(all.map((r) => r.errors))).map(([m, n]) => `Rejections: ${n}× ${m}`),
        ],
        raw: Object.fromEntries([...runs].map(([id, rs]) => [id, rs.map(({ latencies, ...rest }) => ({ ...rest, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) }))])),
      };
    } finally {
      await engine?.close();
      await session?.release();
    }
  },
};

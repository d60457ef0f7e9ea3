import { checkGoal, ratio } from '../goal';
import { bertFeeds } from '../internal/bert-feeds';
import { onnxEngine, rawSession } from '../internal/sides';
import type { Scenario } from '../scenario';
import { fmt, interleave, summarize } from '../stats';
import { roundsWithin } from '../budget';

const GOALS: Readonly<Record<string, number>> = { tiny: 1.05, 'base-width': 1.02 };

/** Scenario 1: `engine.infer` vs raw `session.run` on the same ONNX file and session options, batch 1. */
export const engineOverhead: Scenario = {
  id: 'overhead',
  number: 1,
  title: '1. Engine overhead vs raw onnxruntime-node',
  async run(ctx) {
    const { models, seq, warmup, budgetMs } = ctx.profile.overhead;
    const rows: (string | number)[][] = [];
    const goals = [];
    const raw: Record<string, unknown> = {};
    for (const name of models) {
      const model = await ctx.model(name);
      const session = await rawSession(model.onnxPath, ctx.threads);
      const engine = await onnxEngine('bert', { source: model.onnxPath }, ctx.threads);
      try {
        const feeds = bertFeeds(1, seq);
        const sides = [() => session.run(feeds.ort), () => engine.infer('bert', feeds.core)] as const;
        const w = await interleave(...sides, { rounds: warmup, warmup: 0 });
        const msPerRound = (w.a.reduce((x, y) => x + y, 0) + w.b.reduce((x, y) => x + y, 0)) / warmup;
        const rounds = roundsWithin(budgetMs, msPerRound, { min: Math.min(20, ctx.profile.overhead.rounds), max: ctx.profile.overhead.rounds });
        ctx.log(`  ${name}: ${rounds} interleaved calls each`);
        const t = await interleave(...sides, { rounds, warmup: 0 });
        const base = summarize(t.a);
        const inf = summarize(t.b);
        const r50 = ratio(inf.p50, base.p50);
        rows.push([name, rounds, fmt(base.p50), fmt(inf.p50), fmt(r50), fmt(base.p99), fmt(inf.p99), fmt(ratio(inf.p99, base.p99)), fmt(inf.p50 - base.p50)]);
        const target = GOALS[name];
        if (target !== undefined) goals.push(checkGoal(`p50 ratio, ${name}`, Number(r50.toFixed(3)), { atMost: target }));
        raw[name] = { baselineMs: t.a, inferoxMs: t.b, baseline: base, inferox: inf };
      } finally {
        await engine.close();
        await session.release();
      }
    }
    return {
      id: this.id,
      title: this.title,
      tables: [
        {
          title: `batch 1, sequence ${seq} (ms)`,
          headers: ['model', 'calls each', 'ORT p50', 'Inferox p50', 'p50 ratio', 'ORT p99', 'Inferox p99', 'p99 ratio', 'added p50 (ms)'],
          rows,
        },
      ],
      goals,
      notes: [`Same ONNX file (exported by @inferox/onnx-backend from the checkpoint), same session options (intraOpNumThreads ${ctx.threads}, interOpNumThreads 1).`],
      raw,
    };
  },
};

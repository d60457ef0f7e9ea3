import type { ModelHandle } from '@inferox/core';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { roundsWithin } from '../budget';
import { ratio } from '../goal';
import { bertFeeds } from '../internal/bert-feeds';
import { sessionOptions } from '../internal/sides';
import type { Scenario } from '../scenario';
import { fmt, interleave, quantile } from '../stats';

const RUNTIMES = ['wasm', 'cpu'] as const;

/**
 * Scenario 4: tfjs (wasm, cpu) vs onnx on the same BERT checkpoint, per batch size. tfjs allows one runtime per
 * process, so each runtime is measured in turn, each interleaved with onnx.
 */
export const tfjsRuntimes: Scenario = {
  id: 'tfjs',
  number: 4,
  title: '4. tfjs runtimes (wasm, cpu) vs onnx',
  async run(ctx) {
    const p = ctx.profile.tfjs;
    // Imported here so a broken tfjs install fails this scenario only.
    const { createTfjsBackend } = await import('@inferox/tfjs-backend');
    const model = await ctx.model(p.model);
    const onnx = createOnnxBackend({ executionProviders: ['cpu'], sessionOptions: sessionOptions(ctx.threads) });
    const p50 = new Map<string, number>();
    const counts = new Map<string, number>();
    const raw: Record<string, unknown> = {};
    const notes: string[] = [];
    try {
      const onnxModel = await onnx.loadModel(model.dir);
      for (const runtime of RUNTIMES) {
        const tfjs = createTfjsBackend({ runtime });
        let handle: ModelHandle | undefined;
        try {
          handle = await tfjs.loadModel(model.dir);
          const h = handle;
          for (const batch of p.batchSizes) {
            const feeds = bertFeeds(batch, p.seq).core;
            const sides = [() => onnxModel.run(feeds), () => h.run(feeds)] as const;
            const w = await interleave(...sides, { rounds: p.warmup, warmup: 0 });
            const msPerRound = (w.a.reduce((s, v) => s + v, 0) + w.b.reduce((s, v) => s + v, 0)) / p.warmup;
            const rounds = roundsWithin(ctx.profile.quick ? 1_500 : 12_000, msPerRound, { min: ctx.profile.quick ? 2 : 3, max: p.rounds });
            ctx.log(`  ${runtime}, batch ${batch}: ${rounds} interleaved calls each`);
            const t = await interleave(...sides, { rounds, warmup: 0 });
            p50.set(`onnx/${runtime}/${batch}`, quantile(t.a, 0.5));
            p50.set(`${runtime}/${batch}`, quantile(t.b, 0.5));
            counts.set(`${runtime}/${batch}`, rounds);
            raw[`${runtime}/${batch}`] = t;
          }
        } catch (error) {
          notes.push(`**tfjs ${runtime} failed:** ${(error as Error)?.message ?? String(error)}`);
          ctx.log(`  tfjs ${runtime} failed: ${(error as Error)?.stack ?? String(error)}`);
        } finally {
          await handle?.dispose();
          await tfjs.dispose();
        }
      }
    } finally {
      await onnx.dispose();
    }
    const cell = (key: string): string => (p50.has(key) ? fmt(p50.get(key)!) : 'n/a');
    const r = (runtime: string, batch: number): string => {
      const a = p50.get(`${runtime}/${batch}`);
      const b = p50.get(`onnx/${runtime}/${batch}`);
      return a === undefined || b === undefined ? 'n/a' : `${fmt(ratio(a, b))}×`;
    };
    return {
      id: this.id,
      title: this.title,
      tables: [
        {
          title: `p50 latency per batch (ms), ${p.model} BERT checkpoint, sequence ${p.seq}; × = tfjs ÷ onnx measured in the same interleaved run`,
          headers: ['batch', 'onnx (vs wasm)', 'tfjs wasm', 'wasm ÷ onnx', 'onnx (vs cpu)', 'tfjs cpu', 'cpu ÷ onnx', 'calls (wasm / cpu)'],
          rows: p.batchSizes.map((b) => [
            b,
            cell(`onnx/wasm/${b}`),
            cell(`wasm/${b}`),
            r('wasm', b),
            cell(`onnx/cpu/${b}`),
            cell(`cpu/${b}`),
            r('cpu', b),
            `${counts.get(`wasm/${b}`) ?? 0} / ${counts.get(`cpu/${b}`) ?? 0}`,
          ]),
        },
      ],
      notes: [
        `Every side loads the checkpoint folder itself (config.json + model.safetensors): onnx builds its graph, tfjs builds the model from tfjs ops. onnx: intraOpNumThreads ${ctx.threads}. Backends are called directly (no engine), to compare runtimes.`,
        'tfjs holds one runtime per process, so wasm and cpu are measured one after the other, each interleaved with onnx.',
        ...notes,
      ],
      raw,
    };
  },
};

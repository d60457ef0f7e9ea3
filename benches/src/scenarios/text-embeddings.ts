import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createEngine, type Engine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { type TextModel, loadTextModel } from '@inferox/text';
import * as ort from 'onnxruntime-node';
import { checkGoal, ratio } from '../goal';
import { closedLoop } from '../internal/closed-loop';
import { roundOrder } from '../internal/round-order';
import { rawSession, sessionOptions } from '../internal/sides';
import { textBenchFolder } from '../internal/text-bench-folder';
import { textOfTokens } from '../internal/text-of-tokens';
import { offlinePipeline } from '../internal/transformers-folder';
import type { Scenario } from '../scenario';
import { fmt, interleave, quantile, summarize } from '../stats';

interface Extractor {
  (texts: string | string[], options: { pooling: 'mean'; normalize: boolean }): Promise<{ data: Float32Array; dims: number[] }>;
  dispose(): Promise<void>;
}

/** Rounds and counts of scenario 10; the defaults depend on `--quick`. */
export interface TextEmbeddingsSizes {
  /** Closed-loop callers (also the batch of the raw ORT limit). */
  readonly clients: number;
  readonly requestsPerClient: number;
  /** Rotating rounds of the closed loops. */
  readonly rounds: number;
  /**
   * Interleaved one-caller calls per side, after `warmup`. As many in the quick pass as in a full run: a call takes
   * about 1.5 ms, and with 40 the two p50s moved by several percent from run to run, with 200 by 2 to 3%, the size of
   * the goal's margin; 600 take 2 s.
   */
  readonly single: number;
  readonly warmup: number;
  /** Texts in the one bulk call. */
  readonly bulk: number;
  /** Requests per caller of the mixed-length workload (padding waste). */
  readonly mixedRequests: number;
}

/** The sizes of a full run or a quick pass: the quick pass keeps every comparison with fewer requests and a smaller bulk call. */
export function textEmbeddingsSizes(quick: boolean): TextEmbeddingsSizes {
  return quick
    ? { clients: 16, requestsPerClient: 4, rounds: 2, single: 600, warmup: 100, bulk: 1000, mixedRequests: 4 }
    : { clients: 16, requestsPerClient: 16, rounds: 3, single: 600, warmup: 100, bulk: 10_000, mixedRequests: 16 };
}

/** Deterministic lengths: `i`-th of `count` spread over `min..max` tokens (special tokens included). */
const spread = (i: number, min: number, max: number): number => min + ((i * 7919) % (max - min + 1));

/**
 * Scenario 10: `@inferox/text` against transformers.js' feature-extraction pipeline on the same folder (the bench
 * BERT's ONNX file with the bert-base-uncased tokenizer files), and against raw onnxruntime-node running pre-formed
 * batches (the limit at 128 tokens).
 */
export const textEmbeddings: Scenario = textEmbeddingsScenario();

/** Scenario 10 with the given sizes (tests run it small). */
export function textEmbeddingsScenario(sizes?: TextEmbeddingsSizes): Scenario {
  return {
    id: 'text',
    number: 10,
    title: '10. @inferox/text embeddings vs transformers.js',
    async run(ctx) {
      const s = sizes ?? textEmbeddingsSizes(ctx.profile.quick);
      const model = await ctx.model(ctx.profile.transformers.model);
      const { dir, tokenizer } = await textBenchFolder(ctx.workDir, model);
      const ofTokens = (n: number): string => textOfTokens((t) => tokenizer.encode(t, { add_special_tokens: false }).ids, n - 2);
      const short = Array.from({ length: 64 }, (_, i) => ofTokens(spread(i, 8, 32)));
      const long = ofTokens(128);
      const mixed = Array.from({ length: 64 }, (_, i) => ofTokens(spread(i, 8, 128)));
      const bulk = Array.from({ length: s.bulk }, (_, i) => short[i % short.length]!);

      const pipeline = await offlinePipeline(ctx.workDir);
      let extractor: Extractor | undefined;
      let engine: Engine | undefined;
      let session: ort.InferenceSession | undefined;
      try {
        extractor = (await pipeline('feature-extraction', 'text-bert', { dtype: 'fp32', device: 'cpu', session_options: sessionOptions(ctx.threads) })) as unknown as Extractor;
        engine = createEngine({ backends: [createOnnxBackend({ executionProviders: ['cpu'], sessionOptions: sessionOptions(ctx.threads) })] });
        const text: TextModel = await loadTextModel(engine, dir, { backends: ['onnx'] });
        session = await rawSession(model.onnxPath, ctx.threads);
        const x = extractor;
        const sess = session;
        let pick = 0;
        const next = (pool: readonly string[]): string => pool[pick++ % pool.length]!;
        const sides = {
          tjs: (pool: readonly string[]) => async () => x(next(pool), { pooling: 'mean', normalize: true }),
          text: (pool: readonly string[]) => async () => text.embed([next(pool)], { normalize: true }),
        };

        // Same texts, same model: the two must agree before their speed means anything.
        const agree = await text.embed(short.slice(0, 8), { normalize: true });
        let maxDiff = 0;
        for (const [i, t] of short.slice(0, 8).entries()) {
          const theirs = (await x(t, { pooling: 'mean', normalize: true })).data;
          agree.embeddings[i]!.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - theirs[k]!))));
        }

        ctx.log(`  one caller: ${s.single} interleaved calls each`);
        // Both sides get the same text in a round (the closed loops below share one counter, which is fair there: each
        // side takes whole cycles of the pool; here, with the order alternating, a shared counter handed text the
        // longer half of the pool: 22 tokens at the median against 19).
        const single = await interleave(
          (round) => x(short[round % short.length]!, { pooling: 'mean', normalize: true }),
          (round) => text.embed([short[round % short.length]!], { normalize: true }),
          { rounds: s.single, warmup: s.warmup },
        );

        const loop = async (request: () => Promise<unknown>, label: string): Promise<number> => {
          const r = await closedLoop(request, { clients: s.clients, requestsPerClient: s.requestsPerClient });
          if (r.failures > 0) throw new Error(`${label}: ${r.failures} requests failed: ${String(r.firstError)}`);
          return r.rps;
        };
        // The limits: raw onnxruntime-node running pre-formed batches of `clients` sequences, no tokenizing or pooling.
        const n = s.clients;
        const tensor = (rows: readonly (readonly number[])[], width: number, f: (id: number | undefined) => bigint): ort.Tensor =>
          new ort.Tensor('int64', BigInt64Array.from({ length: rows.length * width }, (_, k) => f(rows[Math.floor(k / width)]![k % width])), [rows.length, width]);
        const feedsOf = (rows: readonly (readonly number[])[]): Record<string, ort.Tensor> => {
          const width = Math.max(...rows.map((r) => r.length));
          return { input_ids: tensor(rows, width, (id) => BigInt(id ?? 0)), attention_mask: tensor(rows, width, (id) => (id === undefined ? 0n : 1n)), token_type_ids: tensor(rows, width, () => 0n) };
        };
        const runAll = async (batches: readonly Record<string, ort.Tensor>[], sequences: number, minRuns: number): Promise<number> => {
          const rounds = Math.max(1, Math.ceil(minRuns / batches.length));
          const t0 = performance.now();
          for (let r = 0; r < rounds; r++) for (const feeds of batches) await sess.run(feeds);
          return (rounds * sequences) / ((performance.now() - t0) / 1000);
        };
        const longIds = tokenizer.encode(long).ids.slice(0, 128);
        const longBatch = [feedsOf(Array.from({ length: n }, () => longIds))];
        // Short texts: the pool sorted by length and cut in batches of `clients` (the least padding batches of that
        // size can have), and each text run alone.
        const shortIds = short.map((t) => tokenizer.encode(t).ids).sort((a, b) => a.length - b.length);
        const shortBatches = Array.from({ length: Math.ceil(shortIds.length / n) }, (_, i) => feedsOf(shortIds.slice(i * n, (i + 1) * n)));
        const shortSingles = shortIds.map((ids) => feedsOf([ids]));
        const limits = {
          longLimit: () => runAll(longBatch, n, Math.max(2, Math.round((s.clients * s.requestsPerClient) / n))),
          shortLimit: () => runAll(shortBatches, shortIds.length, shortBatches.length),
          shortSingle: () => runAll(shortSingles, shortIds.length, shortSingles.length),
        };
        ctx.log(`  ${s.clients} callers × ${s.requestsPerClient} requests, short and 128-token texts, ${s.rounds} rounds each`);
        const rps = { shortTjs: [] as number[], shortText: [] as number[], shortLimit: [] as number[], shortSingle: [] as number[], longTjs: [] as number[], longText: [] as number[], longLimit: [] as number[] };
        for (let round = 0; round < s.rounds; round++) {
          for (const side of roundOrder(['tjs', 'text', 'shortLimit', 'shortSingle'] as const, round)) {
            if (side === 'tjs' || side === 'text') rps[side === 'tjs' ? 'shortTjs' : 'shortText'].push(await loop(sides[side](short), side));
            else rps[side].push(await limits[side]());
          }
          for (const side of roundOrder(['tjs', 'text', 'limit'] as const, round)) {
            if (side === 'limit') rps.longLimit.push(await limits.longLimit());
            else rps[side === 'tjs' ? 'longTjs' : 'longText'].push(await loop(sides[side]([long]), side));
          }
        }

        ctx.log(`  ${s.bulk} texts in one call`);
        const bulkMs = { tjs: [] as number[], text: [] as number[] };
        // Event-loop delay while each side works through the bulk call: what other callers on this thread would wait.
        const loopDelay = { tjs: 0, text: 0 };
        for (const side of ['text', 'tjs', 'text', 'tjs'] as const) {
          const h = monitorEventLoopDelay({ resolution: 5 });
          h.enable();
          const t0 = performance.now();
          if (side === 'tjs') await x(bulk, { pooling: 'mean', normalize: true });
          else await text.embed(bulk, { normalize: true });
          bulkMs[side].push(performance.now() - t0);
          // A turn of the loop so a stall that lasted to the end of the call is sampled.
          await new Promise((resolve) => setTimeout(resolve, 20));
          h.disable();
          loopDelay[side] = Math.max(loopDelay[side], h.max / 1e6);
        }

        const before = text.stats();
        await closedLoop(sides.text(mixed), { clients: s.clients, requestsPerClient: s.mixedRequests });
        const after = text.stats();
        const waste = (after.paddedTokens - after.realTokens - (before.paddedTokens - before.realTokens)) / (after.paddedTokens - before.paddedTokens);

        const med = (v: number[]): number => quantile(v, 0.5);
        const sa = summarize(single.a);
        const sb = summarize(single.b);
        const shortRatio = ratio(med(rps.shortText), med(rps.shortTjs));
        const shortOfLimit = ratio(med(rps.shortText), med(rps.shortLimit));
        // The most any server of these texts can give over transformers.js: the pre-formed batches with nothing else.
        const shortReach = ratio(med(rps.shortLimit), med(rps.shortTjs));
        const batchingGain = ratio(med(rps.shortLimit), med(rps.shortSingle));
        const longOfLimit = ratio(med(rps.longText), med(rps.longLimit));
        const p50Ratio = ratio(sb.p50, sa.p50);
        const bulkRatio = ratio(Math.min(...bulkMs.tjs), Math.min(...bulkMs.text));
        return {
          id: this.id,
          title: this.title,
          tables: [
            {
              title: `${ctx.profile.transformers.model} BERT (its ONNX file, bert-base-uncased tokenizer.json), mean pooling + L2 norm, ${ctx.threads} intra-op threads`,
              headers: ['measure', 'transformers.js', '@inferox/text', 'raw ORT pre-formed batches', 'ratio'],
              rows: [
                ['one caller p50, 8–32 tokens (ms)', fmt(sa.p50), fmt(sb.p50), '', `${fmt(p50Ratio)} (text ÷ tjs)`],
                [`${s.clients} callers, 8–32 tokens (requests/s)`, fmt(med(rps.shortTjs)), fmt(med(rps.shortText)), fmt(med(rps.shortLimit)), `${fmt(shortRatio)} (text ÷ tjs); ${fmt(shortOfLimit)} (text ÷ limit)`],
                ['raw ORT, the same 8–32-token texts one per run (sequences/s)', '', '', fmt(med(rps.shortSingle)), `batching gives ${fmt(batchingGain)}×`],
                [`${s.clients} callers, 128 tokens (requests/s)`, fmt(med(rps.longTjs)), fmt(med(rps.longText)), fmt(med(rps.longLimit)), `${fmt(longOfLimit)} (text ÷ limit)`],
                [`${s.bulk} texts in one call (ms, best of 2)`, fmt(Math.min(...bulkMs.tjs)), fmt(Math.min(...bulkMs.text)), '', `${fmt(bulkRatio)}× faster`],
                [`longest event-loop stall during the ${s.bulk}-text call (ms)`, fmt(loopDelay.tjs), fmt(loopDelay.text), '', ''],
                [`padding waste, ${s.clients} callers on 8–128 tokens`, '', `${fmt(waste * 100)}%`, '', ''],
              ],
            },
          ],
          goals: [
            checkGoal(
              `${s.clients} callers, short texts: text ÷ transformers.js requests/s`,
              shortRatio,
              { atLeast: 3 },
              '',
              `raw ORT running the same texts as pre-formed batches of ${n} sorted by length, back to back (no tokenizing, no pooling, no callers): ${fmt(med(rps.shortLimit))} sequences/s, ${fmt(shortReach)}× transformers.js${shortReach < 3 ? ', so 3× cannot be reached on this model and machine' : ''}; text reaches ${fmt(shortOfLimit)}× that limit. Batching gives ${fmt(batchingGain)}× one text per run here: transformers.js loses to text only what batching gains plus its own cost per call`,
            ),
            checkGoal(`${s.clients} callers, 128 tokens: text ÷ raw ORT pre-formed batches`, longOfLimit, { atLeast: 0.85 }, '', `raw ORT running [${s.clients}, 128] batches back to back: ${fmt(med(rps.longLimit))} sequences/s`),
            checkGoal('one caller: text p50 ÷ transformers.js p50', p50Ratio, { atMost: 1 }),
            checkGoal(`${s.bulk} texts in one call: transformers.js time ÷ text time`, bulkRatio, { atLeast: 1.5 }),
            checkGoal('padding waste on a mixed-length workload', waste * 100, { atMost: 15 }, '%'),
          ],
          notes: [
            `Same folder on both sides (env.allowRemoteModels = false), same session options; embeddings agree to ${fmt(maxDiff)} (max abs difference over 8 texts).`,
            `Closed loops of ${s.clients} callers × ${s.requestsPerClient} requests (one text each), ${s.rounds} rounds in rotating order, median requests/s. @inferox/text defaults: maxBatchTokens 8192, maxBatchSize 64, maxPaddingWaste 0.15, 1 batch in flight (inline instance); transformers.js runs each call as it comes.`,
            `The limits: raw onnxruntime-node running [${s.clients}, 128] batches back to back, and the 64 short texts as batches of ${s.clients} sorted by length (each padded to its longest), back to back (sequences/s), measured in the same rounds; "one per run" is each short text alone.`,
            'fastembed-js is not compared: it downloads its own model catalogue from the network and cannot load this folder offline.',
          ],
          raw: { single, rps, bulkMs, loopDelay, waste, maxDiff, stats: after },
        };
      } finally {
        await engine?.close();
        await extractor?.dispose();
        await session?.release();
      }
    },
  };
}

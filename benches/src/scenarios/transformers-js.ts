import { Tensor } from '@inferox/core';
import type { Engine } from '@inferox/engine';
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { roundsWithin } from '../budget';
import { ratio } from '../goal';
import { closedLoop } from '../internal/closed-loop';
import { roundOrder } from '../internal/round-order';
import { meanPoolNormalized } from '../internal/mean-pool';
import { onnxEngine, sessionOptions } from '../internal/sides';
import { textOfTokens } from '../internal/text-of-tokens';
import { offlinePipeline, writeTransformersFolder } from '../internal/transformers-folder';
import type { Scenario } from '../scenario';
import { fmt, interleave, quantile, summarize } from '../stats';

interface Extractor {
  (text: string, options: { pooling: 'mean'; normalize: boolean }): Promise<{ data: Float32Array; dims: number[] }>;
  tokenizer: (text: string) => { input_ids: { data: BigInt64Array; dims: number[] } };
  dispose(): Promise<void>;
}

/** Scenario 3: text → embedding with Inferox (@huggingface/tokenizers + engine) vs transformers.js' pipeline. */
export const transformersJs: Scenario = {
  id: 'transformers',
  number: 3,
  title: '3. Text → embedding vs transformers.js',
  async run(ctx) {
    const p = ctx.profile.transformers;
    const model = await ctx.model(p.model);
    // The bert-base-uncased tokenizer files of the sentence-transformers fixture, read by @huggingface/tokenizers.
    const files = new URL('../../../fixtures/tiny-bert-st/', import.meta.url);
    const vocab = (await readFile(new URL('vocab.txt', files), 'utf8')).replace(/\n$/, '').split('\n');
    const tokenizer = new Tokenizer(JSON.parse(await readFile(new URL('tokenizer.json', files), 'utf8')), JSON.parse(await readFile(new URL('tokenizer_config.json', files), 'utf8')));
    const encode = (t: string): number[] => tokenizer.encode(t).ids.slice(0, 512);
    const text = textOfTokens((t) => tokenizer.encode(t, { add_special_tokens: false }).ids, p.tokens - 2);
    await writeTransformersFolder(ctx.workDir, 'tjs-bert', { checkpointDir: model.dir, onnxPath: model.onnxPath, vocab });
    const pipeline = await offlinePipeline(ctx.workDir);
    let extractor: Extractor | undefined;
    let engine: Engine | undefined;
    try {
      extractor = (await pipeline('feature-extraction', 'tjs-bert', {
        dtype: 'fp32',
        device: 'cpu',
        session_options: sessionOptions(ctx.threads),
      })) as unknown as Extractor;
      engine = await onnxEngine('bert', { source: model.onnxPath }, ctx.threads);
      await engine.load('bert-batched', { backends: ['onnx'], source: model.onnxPath, batching: { maxBatchSize: p.clients, maxQueueDelayMs: 2 } });
      const e = engine;
      const x = extractor;
      const embed = (name: string) => async (): Promise<Float32Array> => {
        const enc = encode(text);
        const shape = [1, enc.length];
        const ids = Tensor.from('int64', BigInt64Array.from(enc, BigInt), shape);
        const mask = new BigInt64Array(enc.length).fill(1n);
        const { outputs } = await e.infer(name, { input_ids: ids, attention_mask: Tensor.from('int64', mask, shape), token_type_ids: Tensor.from('int64', new BigInt64Array(enc.length), shape) });
        return meanPoolNormalized(outputs.last_hidden_state!.data as Float32Array, mask, model.hidden);
      };
      const inferox = embed('bert');
      const batched = embed('bert-batched');
      const baseline = async (): Promise<Float32Array> => (await x(text, { pooling: 'mean', normalize: true })).data;

      // Same input, same model: the two embeddings must agree before their speed means anything.
      const tjsIds = [...x.tokenizer(text).input_ids.data].map(Number);
      const ourIds = encode(text);
      const sameTokens = tjsIds.length === ourIds.length && tjsIds.every((v, i) => v === ourIds[i]);
      const a = await baseline();
      const b = await inferox();
      const maxDiff = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

      const w = await interleave(baseline, inferox, { rounds: p.warmup, warmup: 0 });
      const msPerRound = (w.a.reduce((s, v) => s + v, 0) + w.b.reduce((s, v) => s + v, 0)) / p.warmup;
      const rounds = roundsWithin(ctx.profile.overhead.budgetMs, msPerRound, { min: Math.min(20, p.rounds), max: p.rounds });
      ctx.log(`  single client: ${rounds} interleaved calls each`);
      const single = await interleave(baseline, inferox, { rounds, warmup: 0 });
      ctx.log(`  ${p.clients} clients × ${p.requestsPerClient} requests, ${p.throughputRounds} rounds each`);
      const rps = { a: [] as number[], b: [] as number[], c: [] as number[] };
      const loaders = { a: baseline, b: inferox, c: batched };
      for (let round = 0; round < p.throughputRounds; round++) {
        for (const side of roundOrder(['a', 'b', 'c'] as const, round)) {
          const r = await closedLoop(loaders[side], { clients: p.clients, requestsPerClient: p.requestsPerClient });
          if (r.failures > 0) throw new Error(`${side === 'a' ? 'transformers.js' : 'Inferox'}: ${r.failures} requests failed: ${String(r.firstError)}`);
          rps[side].push(r.rps);
        }
      }
      const sa = summarize(single.a);
      const sb = summarize(single.b);
      const ra = quantile(rps.a, 0.5);
      const rb = quantile(rps.b, 0.5);
      const rc = quantile(rps.c, 0.5);
      return {
        id: this.id,
        title: this.title,
        tables: [
          {
            title: `${p.model} BERT, ${p.tokens} tokens per text, mean pooling + L2 norm`,
            headers: ['measure', 'transformers.js', 'Inferox', 'ratio (Inferox ÷ transformers.js)'],
            rows: [
              ['single client p50 (ms)', fmt(sa.p50), fmt(sb.p50), fmt(ratio(sb.p50, sa.p50))],
              ['single client p99 (ms)', fmt(sa.p99), fmt(sb.p99), fmt(ratio(sb.p99, sa.p99))],
              [`${p.clients} clients (requests/s)`, fmt(ra), fmt(rb), fmt(ratio(rb, ra))],
              [`${p.clients} clients, Inferox with batching ≤${p.clients} (requests/s)`, fmt(ra), fmt(rc), fmt(ratio(rc, ra))],
            ],
          },
        ],
        notes: [
          `Both sides load the same ONNX file with the same session options (intraOpNumThreads ${ctx.threads}); transformers.js from a local folder (env.allowRemoteModels = false).`,
          `Tokenizers: transformers.js' own over a tokenizer.json (WordPiece, BertNormalizer, BertPreTokenizer) vs @huggingface/tokenizers over fixtures/tiny-bert-st's bert-base-uncased tokenizer.json; token ids ${sameTokens ? 'identical' : '**differ**'} (${ourIds.length} tokens); embeddings agree to ${fmt(maxDiff)} (max abs difference).`,
          `Single client: ${rounds} interleaved calls each after ${p.warmup} warm-up calls. ${p.clients} clients: closed loop, ${p.throughputRounds} rounds in rotating order, median requests/s; the batching row is the same engine with dynamic batching (maxQueueDelayMs 2).`,
        ],
        raw: { single, rps, sameTokens, maxDiff, tokens: ourIds.length },
      };
    } finally {
      await engine?.close();
      await extractor?.dispose();
    }
  },
};

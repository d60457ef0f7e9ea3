/**
 * Issue 15, one caller, layer by layer: transformers.js' whole call and its tokenizer alone, `@huggingface/tokenizers`
 * alone, raw onnxruntime-node on feeds built beforehand, `engine.infer` on the same feeds, and `text.embed` — each
 * round runs every chosen side once on the same text, in alternating order. Sides that share a session (engine and
 * text) run on warmer caches than sides that do not, so compare sides two at a time to read a layer's cost:
 *
 *   cd benches && node --import tsx src/profile/text-layers.ts [calls=2000] [sides=tjs,tjsTok,hfTok,raw,engine,text]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@inferox/engine';
import { Tensor } from '@inferox/core';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { loadTextModel } from '@inferox/text';
import { benchProfile } from '../bench-profile';
import { createBenchContext } from '../internal/create-bench-context';
import { rawSession, sessionOptions } from '../internal/sides';
import { textBenchFolder } from '../internal/text-bench-folder';
import { textOfTokens } from '../internal/text-of-tokens';
import { offlinePipeline } from '../internal/transformers-folder';
import { summarize } from '../stats';
import * as ort from 'onnxruntime-node';

const calls = Number(process.argv[2] ?? 2000);
const workDir = await mkdtemp(join(tmpdir(), 'inferox-text-split-'));
const profile = benchProfile(true);
const model = await createBenchContext({ profile, threads: 1, workDir }).model(profile.transformers.model);
const { dir, tokenizer } = await textBenchFolder(workDir, model);
const short = Array.from({ length: 64 }, (_, i) => textOfTokens((t) => tokenizer.encode(t, { add_special_tokens: false }).ids, 6 + ((i * 7919) % 25)));
const pipeline = await offlinePipeline(workDir);
type Extractor = ((text: string, options: { pooling: 'mean'; normalize: boolean }) => Promise<unknown>) & {
  tokenizer: (text: string, options: { padding: boolean; truncation: boolean }) => unknown;
  dispose(): Promise<void>;
};
const extractor = (await pipeline('feature-extraction', 'text-bert', { dtype: 'fp32', device: 'cpu', session_options: sessionOptions(1) })) as unknown as Extractor;
const engine = createEngine({ backends: [createOnnxBackend({ executionProviders: ['cpu'], sessionOptions: sessionOptions(1) })] });
const text = await loadTextModel(engine, dir, { backends: ['onnx'] });
const raw = await rawSession(model.onnxPath, 1);
const feeds = short.map((t) => {
  const ids = tokenizer.encode(t).ids;
  const shape = [1, ids.length];
  return {
    ids,
    ort: {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), shape),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(ids.length), shape),
    },
    ix: {
      input_ids: Tensor.from('int64', BigInt64Array.from(ids.map(BigInt)), shape),
      attention_mask: Tensor.from('int64', new BigInt64Array(ids.length).fill(1n), shape),
      token_type_ids: Tensor.from('int64', new BigInt64Array(ids.length), shape),
    },
  };
});
const sides: Record<string, (i: number) => Promise<unknown>> = {
  tjs: (i) => extractor(short[i]!, { pooling: 'mean', normalize: true }),
  tjsTok: async (i) => extractor.tokenizer(short[i]!, { padding: true, truncation: true }),
  hfTok: async (i) => tokenizer.encode(short[i]!),
  raw: (i) => raw.run(feeds[i]!.ort),
  engine: async (i) => { const r = await engine.infer(text.name, feeds[i]!.ix); for (const t of Object.values(r.outputs)) t.dispose(); },
  text: (i) => text.embed([short[i]!], { normalize: true }),
};
const names = (process.argv[3] ?? Object.keys(sides).join(',')).split(',');
const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < calls + 50; r++) {
  const i = r % short.length;
  const order = r % 2 ? names : [...names].reverse();
  for (const n of order) {
    const t0 = performance.now();
    await sides[n]!(i);
    const ms = performance.now() - t0;
    if (r >= 50) times[n]!.push(ms * 1000);
  }
}
const p50 = Object.fromEntries(names.map((n) => [n, Math.round(summarize(times[n]!).p50 * 10) / 10]));
const mean = Object.fromEntries(names.map((n) => [n, Math.round(times[n]!.reduce((a, b) => a + b, 0) / times[n]!.length * 10) / 10]));
console.log('p50 µs', JSON.stringify(p50));
console.log('mean µs', JSON.stringify(mean));
await engine.close();
await extractor.dispose();
await raw.release();
await rm(workDir, { recursive: true, force: true });

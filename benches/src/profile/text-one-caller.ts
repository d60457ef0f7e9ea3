/**
 * Issue 15, one caller: `@inferox/text` against transformers.js on the small BERT, one text per call, interleaved
 * call by call, as scenario 10's one-caller row does, with more calls, so a change to text's per-call path can be
 * A/B-tested in minutes. Prints the p50 of each side and their ratio. Add `--cpu-prof` to see where text's time goes.
 *
 * Both sides get the same text in a round. Runs the packages' builds (`npm run build` first).
 *
 *   cd benches && node --import tsx src/profile/text-one-caller.ts [calls=600] [warmup=30]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { loadTextModel } from '@inferox/text';
import { benchProfile } from '../bench-profile';
import { createBenchContext } from '../internal/create-bench-context';
import { sessionOptions } from '../internal/sides';
import { textBenchFolder } from '../internal/text-bench-folder';
import { textOfTokens } from '../internal/text-of-tokens';
import { offlinePipeline } from '../internal/transformers-folder';
import { interleave, summarize } from '../stats';

type Extractor = (text: string, options: { pooling: 'mean'; normalize: boolean }) => Promise<unknown>;

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 600);
  const workDir = await mkdtemp(join(tmpdir(), 'inferox-text-one-'));
  const profile = benchProfile(true);
  const model = await createBenchContext({ profile, threads: 1, workDir }).model(profile.transformers.model);
  const { dir, tokenizer } = await textBenchFolder(workDir, model);
  const short = Array.from({ length: 64 }, (_, i) => textOfTokens((t) => tokenizer.encode(t, { add_special_tokens: false }).ids, 6 + ((i * 7919) % 25)));
  const pipeline = await offlinePipeline(workDir);
  const extractor = (await pipeline('feature-extraction', 'text-bert', { dtype: 'fp32', device: 'cpu', session_options: sessionOptions(1) })) as unknown as Extractor & { dispose(): Promise<void> };
  const engine = createEngine({ backends: [createOnnxBackend({ executionProviders: ['cpu'], sessionOptions: sessionOptions(1) })] });
  try {
    const text = await loadTextModel(engine, dir, { backends: ['onnx'] });
    const result = await interleave(
      (round) => extractor(short[round % short.length]!, { pooling: 'mean', normalize: true }),
      (round) => text.embed([short[round % short.length]!], { normalize: true }),
      { rounds: calls, warmup: Number(process.argv[3] ?? 30) },
    );
    const tjs = summarize(result.a);
    const ours = summarize(result.b);
    console.log(JSON.stringify({ calls, tjsP50Ms: tjs.p50, textP50Ms: ours.p50, ratio: ours.p50 / tjs.p50 }));
  } finally {
    await engine.close();
    await extractor.dispose();
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();

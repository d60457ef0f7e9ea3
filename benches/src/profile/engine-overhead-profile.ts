/**
 * Profiling driver for issue 19's first step: `engine.infer` vs raw `session.run` on the tiny BERT, sequence 16,
 * batch 1, inline replica, no deadline, no batching, one intra-op thread. Not a test and not a scenario: run it under
 * the V8 CPU profiler and read the profile with `analyse-cpuprofile.ts`.
 *
 *   cd benches && node --import tsx --conditions=@inferox/source src/profile/engine-overhead-profile.ts \
 *     [calls=4000] [out=/tmp/engine-overhead.cpuprofile | none]
 *
 * The profiler (V8's, through `node:inspector`, 50 µs sampling) covers only the measured calls, not start-up or
 * warm-up, so every sample belongs to one of the two sides (`node --cpu-prof` also works but includes loading).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { bertFeeds } from '../internal/bert-feeds';
import { onnxEngine, rawSession } from '../internal/sides';
import { interleave, summarize } from '../stats';

const ONNX = fileURLToPath(new URL('../../../fixtures/tiny-bert-hf/model.onnx', import.meta.url));
const SEQ = 16;
const THREADS = 1;

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 4000);
  const out = process.argv[3] ?? '/tmp/engine-overhead.cpuprofile';
  const inspector = new Session();
  inspector.connect();
  const session = await rawSession(ONNX, THREADS);
  const engine = await onnxEngine('bert', { source: ONNX }, THREADS);
  try {
    const feeds = bertFeeds(1, SEQ);
    const raw = (): Promise<unknown> => session.run(feeds.ort);
    const inferox = (): Promise<unknown> => engine.infer('bert', feeds.core);
    await interleave(raw, inferox, { rounds: 500, warmup: 0 });
    const profiling = out !== 'none';
    if (profiling) {
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 50 });
      await inspector.post('Profiler.start');
    }
    const t = await interleave(raw, inferox, { rounds: calls, warmup: 0 });
    if (profiling) writeFileSync(out, JSON.stringify((await inspector.post('Profiler.stop')).profile));
    inspector.disconnect();
    const a = summarize(t.a);
    const b = summarize(t.b);
    const sum = (xs: number[]): number => xs.reduce((x, y) => x + y, 0);
    const us = (ms: number): number => Math.round(ms * 10000) / 10;
    console.log(
      JSON.stringify({
        calls,
        rawP50Us: us(a.p50),
        engineP50Us: us(b.p50),
        addedP50Us: us(b.p50 - a.p50),
        addedMeanUs: us((sum(t.b) - sum(t.a)) / calls),
        profile: out,
        rawP99Us: us(a.p99),
        engineP99Us: us(b.p99),
      }),
    );
  } finally {
    await engine.close();
    await session.release();
  }
}

await main();

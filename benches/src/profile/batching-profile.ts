/**
 * Profiling driver for issue 19's batching-efficiency goal (scenario 11's setup, tiny BERT only): 32 closed-loop
 * clients sending batch-1 requests to a model with dynamic batching (maxBatchSize 16, maxQueueDelayMs 2), against raw
 * `session.run` of pre-formed [16, seq] batches back to back and the engine on those same batches, one intra-op
 * thread. Not a test and not a scenario: it prints, per sequence length, the medians of interleaved windows as
 * requests per CPU-second (load-independent) and CPU µs per request, and can profile the dynamic-batching windows.
 *
 *   cd benches && node --import tsx --conditions=@inferox/source src/profile/batching-profile.ts \
 *     [seqs=16,128] [rounds=5] [windowMs=1000] [out=/tmp/batching.cpuprofile | none]
 *
 * The profiler (V8's, through `node:inspector`, 200 µs sampling) covers one extra dynamic-batching window of the first
 * sequence length, after the measured ones; read the profile with `analyse-cpuprofile.ts` or Chrome's DevTools.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { bertFeeds } from '../internal/bert-feeds';
import { closedLoopFor } from '../internal/closed-loop';
import { type WindowRate, cpuWindow } from '../internal/cpu-window';
import { onnxEngine, rawSession } from '../internal/sides';
import { quantile } from '../stats';

const ONNX = fileURLToPath(new URL('../../../fixtures/tiny-bert-hf/model.onnx', import.meta.url));
const THREADS = 1;
const CLIENTS = 32;
const MAX_BATCH = 16;

async function main(): Promise<void> {
  const seqs = (process.argv[2] ?? '16,128').split(',').map(Number);
  const rounds = Number(process.argv[3] ?? 5);
  const windowMs = Number(process.argv[4] ?? 1000);
  const out = process.argv[5] ?? 'none';
  const inspector = new Session();
  inspector.connect();
  const session = await rawSession(ONNX, THREADS);
  const engine = await onnxEngine('inline', { source: ONNX }, THREADS);
  try {
    await engine.load('batched', { backends: ['onnx'], source: ONNX, batching: { maxBatchSize: MAX_BATCH, maxQueueDelayMs: 2 } });
    for (const [index, seq] of seqs.entries()) {
      const one = bertFeeds(1, seq);
      const batch = bertFeeds(MAX_BATCH, seq);
      const backToBack = (run: () => Promise<unknown>): Promise<WindowRate> =>
        cpuWindow(async () => {
          const t0 = performance.now();
          let calls = 0;
          while (performance.now() - t0 < windowMs) {
            await run();
            calls++;
          }
          return { items: calls * MAX_BATCH, wallMs: performance.now() - t0 };
        });
      const profiled = index === 0 && out !== 'none';
      const setups: Record<string, () => Promise<WindowRate>> = {
        limit: () => backToBack(() => session.run(batch.ort)),
        preformed: () => backToBack(() => engine.infer('inline', batch.core)),
        batching: () =>
          cpuWindow(async () => {
            const r = await closedLoopFor(() => engine.infer('batched', one.core), { clients: CLIENTS, durationMs: windowMs });
            return { items: r.latencies.length, wallMs: r.wallMs };
          }),
      };
      await closedLoopFor(() => engine.infer('batched', one.core), { clients: CLIENTS, durationMs: 500 });
      await backToBack(() => engine.infer('inline', batch.core));
      const perCpu: Record<string, number[]> = { limit: [], preformed: [], batching: [] };
      for (let round = 0; round < rounds; round++) for (const [k, run] of Object.entries(setups)) perCpu[k]!.push((await run()).perCpuSecond);
      const med = (k: string): number => quantile(perCpu[k]!, 0.5);
      const us = (k: string): number => 1e6 / med(k);
      console.log(
        `seq ${seq}: per CPU-second / limit: pre-formed ${(med('preformed') / med('limit')).toFixed(3)}x, dynamic batching ${(med('batching') / med('limit')).toFixed(3)}x; ` +
          `CPU per request: limit ${us('limit').toFixed(1)} us, engine on a pre-formed batch +${(us('preformed') - us('limit')).toFixed(1)} us, forming +${(us('batching') - us('preformed')).toFixed(1)} us`,
      );
      if (profiled) {
        // One more dynamic-batching window, warm and profiled (the profiler slows JavaScript: not a measured window).
        await inspector.post('Profiler.enable');
        await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
        await inspector.post('Profiler.start');
        await closedLoopFor(() => engine.infer('batched', one.core), { clients: CLIENTS, durationMs: windowMs });
        const { profile } = await inspector.post('Profiler.stop');
        writeFileSync(out, JSON.stringify(profile));
        console.log(`profile of one more dynamic-batching window at seq ${seq}: ${out}`);
      }
    }
  } finally {
    await engine.close();
    await session.release();
    inspector.disconnect();
  }
}

await main();

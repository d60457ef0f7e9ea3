/**
 * Issue 19: where the engine's added cost per call sits, layer by layer, on the tiny BERT (sequence 16, batch 1,
 * inline, one intra-op thread). Each layer adds one piece of the engine's path over raw `session.run`:
 *
 *   raw       session.run(ortFeeds) on tensors made once (the baseline users write by hand)
 *   ort+      session.run with three ort.Tensors made per call and the output names passed (what the onnx runner does)
 *   handle    ManagedModelHandle.run(coreFeeds): options, validation, core ↔ ort tensors (the public handle)
 *   engine    engine.infer: routing, validation once, scheduler, replica, metrics
 *
 * Layers run round-robin (the order rotates every round) so drift hits all alike; each call is timed by wall clock
 * and by process CPU time (user + system), so time the process spent descheduled on a loaded machine shows up as
 * wall minus CPU. Prints the p50 of each layer and its p50 minus raw's.
 *
 *   cd benches && node --import tsx --conditions=@inferox/source src/profile/engine-overhead-layers.ts [calls=4000]
 */
import { fileURLToPath } from 'node:url';
import type { TensorMap } from '@inferox/core';
import { createOnnxBackend } from '@inferox/onnx-backend';
import * as ort from 'onnxruntime-node';
import { bertFeeds } from '../internal/bert-feeds';
import { onnxEngine, rawSession, sessionOptions } from '../internal/sides';
import { quantile } from '../stats';

const ONNX = fileURLToPath(new URL('../../../fixtures/tiny-bert-hf/model.onnx', import.meta.url));
const SEQ = 16;
const THREADS = 1;
const WARMUP = 500;

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 4000);
  const session = await rawSession(ONNX, THREADS);
  const backend = createOnnxBackend({ executionProviders: ['cpu'], sessionOptions: sessionOptions(THREADS) });
  const handle = await backend.loadModel(ONNX);
  const engine = await onnxEngine('bert', { source: ONNX }, THREADS);
  try {
    const feeds = bertFeeds(1, SEQ);
    const core: TensorMap = feeds.core;
    const outputNames = session.outputNames as string[];
    const layers: [string, () => Promise<unknown>][] = [
      ['raw', () => session.run(feeds.ort)],
      ['raw+names', () => session.run(feeds.ort, outputNames)],
      [
        'fresh',
        () => {
          const fresh: Record<string, ort.Tensor> = {};
          for (const [name, t] of Object.entries(core)) fresh[name] = new ort.Tensor(t.dtype as 'int64', t.data as BigInt64Array, [...t.shape]);
          return session.run(fresh);
        },
      ],
      [
        'ort+',
        () => {
          const fresh: Record<string, ort.Tensor> = {};
          for (const [name, t] of Object.entries(core)) fresh[name] = new ort.Tensor(t.dtype as 'int64', t.data as BigInt64Array, [...t.shape]);
          return session.run(fresh, outputNames);
        },
      ],
      ['handle', () => handle.run(core)],
      ['engine', () => engine.infer('bert', core)],
    ];
    const wall = layers.map((): number[] => []);
    const cpu = layers.map((): number[] => []);
    /** after[i][j]: wall µs of layer i when layer j ran just before it. */
    const after = layers.map(() => layers.map((): number[] => []));
    let previous = 0;
    let seed = 1;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < WARMUP + calls; round++) {
      // A fresh random order every round, so no layer always follows the same one.
      const order = layers.map((_, i) => i);
      for (let k = order.length - 1; k > 0; k--) {
        const j = random(k + 1);
        [order[k], order[j]] = [order[j]!, order[k]!];
      }
      for (const i of order) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await layers[i]![1]();
        const ms = performance.now() - t0;
        const c = process.cpuUsage(c0);
        const before = previous;
        previous = i;
        if (round < WARMUP) continue;
        wall[i]!.push(ms * 1000);
        cpu[i]!.push(c.user + c.system);
        after[i]![before]!.push(ms * 1000);
      }
    }
    const p50 = (xs: number[]): number => Math.round(quantile(xs, 0.5) * 10) / 10;
    const rows = layers.map(([name], i) => ({
      layer: name,
      wallP50Us: p50(wall[i]!),
      addedWallP50Us: Math.round((quantile(wall[i]!, 0.5) - quantile(wall[0]!, 0.5)) * 10) / 10,
      cpuP50Us: p50(cpu[i]!),
      addedCpuP50Us: Math.round((quantile(cpu[i]!, 0.5) - quantile(cpu[0]!, 0.5)) * 10) / 10,
    }));
    const afterP50 = layers.map(([name], i) => ({ layer: name, afterUs: Object.fromEntries(layers.map(([other], j) => [other, after[i]![j]!.length > 0 ? p50(after[i]![j]!) : null])) }));
    console.log(JSON.stringify({ calls, rows, afterP50 }));
  } finally {
    await engine.close();
    await handle.dispose();
    await session.release();
  }
}

await main();

/**
 * Issues 15 and 19: how much the JavaScript around one `session.run` costs right after the run, on a small and a
 * larger model. onnxruntime-node runs a session inside a `setImmediate` callback on the main thread, so each call
 * splits into three parts, timed here by wrapping the global `setImmediate` (this script only):
 *
 *   before  from the call to the start of onnxruntime's callback (the caller's and the engine's work up to the run)
 *   run     the callback: the native run and the output tensors it makes
 *   after   from the end of that callback to the caller's `await` resuming
 *
 * Sides, interleaved call by call: raw `session.run` on tensors made once, and `engine.infer` on one inline onnx
 * replica (same file, same session options, one intra-op thread). The engine's `before + after` on a model whose run
 * streams more weights shows what its JavaScript costs once the run has evicted it from the CPU caches.
 *
 *   cd benches && node --import tsx --conditions=@inferox/source src/profile/cold-path.ts <tiny|small|base-width> [calls=1500] [batch=1] [seq=16]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BertSizeName } from '../bench-profile';
import { benchProfile } from '../bench-profile';
import { bertFeeds } from '../internal/bert-feeds';
import { createBenchContext } from '../internal/create-bench-context';
import { onnxEngine, rawSession } from '../internal/sides';
import { quantile } from '../stats';

/** Start and end of the last `setImmediate` callback, in `performance.now()` ms. */
const callback = { start: 0, end: 0 };
const realSetImmediate = globalThis.setImmediate;
globalThis.setImmediate = ((fn: (...args: unknown[]) => void, ...args: unknown[]) =>
  realSetImmediate(() => {
    callback.start = performance.now();
    try {
      fn(...args);
    } finally {
      callback.end = performance.now();
    }
  })) as typeof setImmediate;

async function main(): Promise<void> {
  const [model, callsText = '1500', batchText = '1', seqText = '16'] = process.argv.slice(2);
  if (model !== 'tiny' && model !== 'small' && model !== 'base-width') throw new Error('usage: cold-path.ts <tiny|small|base-width> [calls] [batch] [seq]');
  const workDir = await mkdtemp(join(tmpdir(), 'inferox-cold-path-'));
  const { onnxPath: onnx } = await createBenchContext({ profile: benchProfile(true), threads: 1, workDir }).model(model as BertSizeName);
  const calls = Number(callsText);
  const feeds = bertFeeds(Number(batchText), Number(seqText));
  const session = await rawSession(onnx, 1);
  const engine = await onnxEngine('bert', { source: onnx }, 1);
  try {
    const sides: Record<string, () => Promise<unknown>> = { raw: () => session.run(feeds.ort), engine: () => engine.infer('bert', feeds.core) };
    const parts = Object.fromEntries(Object.keys(sides).map((k) => [k, { before: [] as number[], run: [] as number[], after: [] as number[] }]));
    for (let i = 0; i < calls + 100; i++) {
      for (const side of i % 2 === 0 ? ['raw', 'engine'] : ['engine', 'raw']) {
        const t0 = performance.now();
        await sides[side]!();
        const t1 = performance.now();
        if (i < 100) continue;
        parts[side]!.before.push((callback.start - t0) * 1000);
        parts[side]!.run.push((callback.end - callback.start) * 1000);
        parts[side]!.after.push((t1 - callback.end) * 1000);
      }
    }
    const p50 = (xs: number[]): number => Math.round(quantile(xs, 0.5) * 10) / 10;
    const rows = Object.entries(parts).map(([side, p]) => ({ side, beforeP50Us: p50(p.before), runP50Us: p50(p.run), afterP50Us: p50(p.after) }));
    console.log(JSON.stringify({ model, calls, batch: Number(batchText), seq: Number(seqText), rows }));
  } finally {
    await engine.close();
    await session.release();
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();

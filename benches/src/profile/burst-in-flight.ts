/**
 * Issue 19, bursts: the inline engine's p99 on 10,000 requests started at once, by runs in flight (`maxConcurrent`,
 * no batching), against raw `session.run` under `Promise.all`, all in one process. Each round runs every side once
 * (the order reversed every other round) and divides each engine side's p99 by raw's from the same round, so a
 * machine whose speed drifts between rounds moves both sides of a ratio; prints each side's median ratio and the rounds.
 *
 *   cd benches && MCS=4,16 ROUNDS=10 node --expose-gc --import tsx src/profile/burst-in-flight.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchProfile } from '../bench-profile';
import { bertFeeds } from '../internal/bert-feeds';
import { createBenchContext } from '../internal/create-bench-context';
import { settleAll } from '../internal/settle-all';
import { onnxEngine, rawSession } from '../internal/sides';
import { quantile } from '../stats';

const REQUESTS = 10_000;

async function main(): Promise<void> {
  const inFlight = (process.env.MCS ?? '4,16').split(',').map(Number);
  const rounds = Number(process.env.ROUNDS ?? 10);
  const workDir = await mkdtemp(join(tmpdir(), 'inferox-in-flight-'));
  const { onnxPath: source } = await createBenchContext({ profile: benchProfile(true), threads: 1, workDir }).model('tiny');
  const feeds = bertFeeds(1, 16);
  const session = await rawSession(source, 1);
  const spec = (maxConcurrent: number) => ({ backends: ['onnx'], source, maxQueueSize: REQUESTS, batching: false, maxConcurrent }) as const;
  const engine = await onnxEngine(`mc${inFlight[0]}`, spec(inFlight[0]!), 1);
  try {
    for (const mc of inFlight.slice(1)) await engine.load(`mc${mc}`, spec(mc));
    const sides: Record<string, () => Promise<unknown>> = { raw: () => session.run(feeds.ort) };
    for (const mc of inFlight) sides[`mc${mc}`] = () => engine.infer(`mc${mc}`, feeds.core);
    const names = Object.keys(sides);
    for (const name of names) await settleAll(500, sides[name]!, 60_000);
    const ratios: Record<string, number[]> = {};
    for (let round = 0; round < rounds; round++) {
      const p99: Record<string, number> = {};
      for (const name of round % 2 === 0 ? names : [...names].reverse()) {
        (globalThis as { gc?: () => void }).gc?.();
        await new Promise((r) => setTimeout(r, 30));
        p99[name] = quantile((await settleAll(REQUESTS, sides[name]!, 300_000)).latencies, 0.99);
      }
      for (const name of names.slice(1)) (ratios[name] ??= []).push(p99[name]! / p99.raw!);
    }
    for (const [name, r] of Object.entries(ratios)) console.log(`${name}: p99 ÷ raw median ${quantile(r, 0.5).toFixed(3)} [${r.map((x) => x.toFixed(2)).join(' ')}]`);
  } finally {
    await engine.close();
    await session.release();
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();

import { resolve } from 'node:path';
import { Tensor } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { type QueueClient, createQueueClient } from '@inferox/queue';
import { type QueueWorkerProcess, createDeviceBoundBackend, spawnQueueWorker, startRedisServer } from '@inferox/queue/testing';
import { useQueueWorkerBundle } from '../../../packages/queue/src/testing/bundle-queue-worker.fixture';
import { checkGoal, ratio } from '../goal';
import { type BareBullmq, startBareBullmq } from '../internal/bare-bullmq';
import { closedLoop } from '../internal/closed-loop';
import type { Scenario } from '../scenario';
import { fmt, quantile } from '../stats';

const FIXTURES = resolve(import.meta.dirname, '../../../fixtures');
const RUN_MS = 20;
const feeds = (v: number) => ({ x: Tensor.from('float32', [v, v], [1, 2]) });
// Production timings (the test fixture's defaults check locks and stalls many times a second).
const TIMINGS = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, heartbeatMs: 1000 } as const;

/**
 * `clients` closed loops for `ms`: jobs answered within the window count; the window, not the slowest client, is the
 * time (a fixed request count per client would let one slow tail stretch a short round).
 */
async function timedLoop(request: () => Promise<number>, clients: number, ms: number): Promise<{ jobs: number; latencies: number[]; runs: number[]; failures: number }> {
  const end = performance.now() + ms;
  const out = { jobs: 0, latencies: [] as number[], runs: [] as number[], failures: 0 };
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        const run = await request();
        if (performance.now() <= end) {
          out.jobs += 1;
          out.latencies.push(performance.now() - t);
          out.runs.push(run);
        }
      } catch {
        out.failures += 1;
      }
    }
  }));
  return out;
}

/** Worker counts, rounds and requests of scenario 9; the defaults depend on `--quick`. */
export interface QueueScaleOutSizes {
  /** Device-bound worker counts, one queue each (the first is the 1× baseline). */
  readonly counts: readonly number[];
  /** Interleaved windows per worker count. */
  readonly rounds: number;
  /** Length of one window. */
  readonly windowMs: number;
  /** Warm-up requests per client (2 clients per worker) before the windows. */
  readonly warmupPerClient: number;
  /** One-at-a-time requests through the queue and in process, after `latencyWarmup` through the queue. */
  readonly latencyRounds: number;
  readonly latencyWarmup: number;
  /** Tiny BERT worker counts, ascending (workers are added, not restarted). */
  readonly bertWorkers: readonly number[];
  /** Requests per client (8 in flight) of a tiny BERT measurement, after `bertWarmup` each. */
  readonly bertRequestsPerClient: number;
  readonly bertWarmup: number;
}

/** The sizes of a full run or a quick pass: 1, 2, 4 and 8 device-bound workers, 1 and 2 BERT workers in both. */
export function queueScaleOutSizes(quick: boolean): QueueScaleOutSizes {
  return {
    counts: [1, 2, 4, 8],
    rounds: quick ? 2 : 8,
    // Quick: 35 device-bound runs per worker per window (20 ms each), the full run's 50.
    windowMs: quick ? 700 : 1000,
    warmupPerClient: 5,
    latencyRounds: quick ? 200 : 1000,
    latencyWarmup: 50,
    bertWorkers: [1, 2],
    bertRequestsPerClient: quick ? 60 : 200,
    bertWarmup: 10,
  };
}

/**
 * Scenario 9: `@inferox/queue` on a real redis-server. Throughput with 1, 2, 4 and 8 worker processes (one queue per
 * count, measured in interleaved rounds) on a
 * device-bound stand-in (each run waits 20 ms on a timer, using no CPU, as a GPU call would; one job at a time per
 * worker, as one device per worker) against N × one worker's; the latency a job gains by going through Redis at low
 * load (one request at a time, queue vs the same engine in process); and the real tiny BERT (embeddings) with 1 and 2
 * workers, which on this 2-core machine is CPU-bound.
 */
export const queueScaleOut: Scenario = queueScaleOutScenario();

/** Scenario 9 with the given sizes (tests run it small). */
export function queueScaleOutScenario(sizes?: QueueScaleOutSizes): Scenario {
  return {
    id: 'queue',
    number: 9,
    title: '9. Scale-out over Redis (BullMQ): worker processes, added latency, tiny BERT',
    async run(context) {
      const p = sizes ?? queueScaleOutSizes(context.profile.quick);
      // The 18 worker processes (up to 8 at once) start from one bundle with plain node: through tsx each took twice the CPU.
      const dropBundle = await useQueueWorkerBundle();
      const redis = await startRedisServer().catch(async (error: unknown) => {
        await dropBundle();
        throw error;
      });
      const workers: QueueWorkerProcess[] = [];
      let bare: BareBullmq | undefined;
      const clients: QueueClient[] = [];
      const client = (queue: string): QueueClient => {
        const c = createQueueClient({ connection: redis.url, queue });
        clients.push(c);
        return c;
      };
      try {
        // 1. Device-bound scaling. One queue per worker count (1, 2, 4, 8 workers: 15 processes, idle ones cost next to
        // nothing), measured in interleaved rounds of about a second each, so drift of the shared machine hits every
        // count alike; 2 requests in flight per worker.
        const counts = p.counts;
        for (const n of counts) {
          workers.push(...(await Promise.all(Array.from({ length: n }, () => spawnQueueWorker({ url: redis.url, queue: `scale${n}`, concurrency: 1, runMs: RUN_MS, ...TIMINGS })))));
        }
        const producers = new Map(counts.map((n) => [n, client(`scale${n}`)]));
        const samples = new Map(counts.map((n) => [n, { jobs: 0, ms: 0, latencies: [] as number[], runs: [] as number[], failures: 0 }]));
        for (const n of counts) await closedLoop(() => producers.get(n)!.infer('standin', feeds(1)), { clients: 2 * n, requestsPerClient: p.warmupPerClient });
        for (let round = 0; round < p.rounds; round++) {
          for (const n of round % 2 ? [...counts].reverse() : counts) {
            const sample = samples.get(n)!;
            const r = await timedLoop(async () => (await producers.get(n)!.infer('standin', feeds(1))).job.runMs, 2 * n, p.windowMs);
            sample.jobs += r.jobs;
            sample.ms += p.windowMs;
            sample.latencies.push(...r.latencies);
            sample.runs.push(...r.runs);
            sample.failures += r.failures;
          }
        }
        // `run` is how long the worker's 20 ms timer really took: far above 20 ms, the worker processes were starved of CPU.
        const scale = counts.map((n) => {
          const x = samples.get(n)!;
          return { workers: n, rps: (x.jobs * 1000) / x.ms, p50: quantile(x.latencies, 0.5), p99: quantile(x.latencies, 0.99), run: quantile(x.runs, 0.5), failures: x.failures };
        });
        for (const s of scale) context.log(`queue: ${s.workers} worker(s): ${fmt(s.rps)} jobs/s`);
        const one = scale[0]!.rps;
        await Promise.all(workers.splice(0).map((w) => w.stop()));

        // 2. Added latency at low load: one request at a time, interleaved queue / bare BullMQ / in process, the same
        // 0 ms runs. Bare BullMQ (a worker process without Inferox) is the floor of any queue built on it.
        const engine = createEngine({ backends: [createDeviceBoundBackend({ runMs: 0 })] });
        await engine.load('standin', { source: 'stand-in' });
        workers.push(await spawnQueueWorker({ url: redis.url, queue: 'latency', concurrency: 1, runMs: 0, ...TIMINGS }));
        bare = await startBareBullmq(redis.url, 'bare');
        const lat = client('latency');
        for (let i = 0; i < p.latencyWarmup; i++) await Promise.all([lat.infer('standin', feeds(i)), bare.roundTrip({ i })]);
        const viaQueue: number[] = [];
        const viaBullmq: number[] = [];
        const inProcess: number[] = [];
        const timed = async (into: number[], call: () => Promise<unknown>): Promise<void> => {
          const t = performance.now();
          await call();
          into.push(performance.now() - t);
        };
        for (let i = 0; i < p.latencyRounds; i++) {
          await timed(viaQueue, () => lat.infer('standin', feeds(i)));
          await timed(viaBullmq, () => bare!.roundTrip({ i }));
          await timed(inProcess, async () => (await engine.infer('standin', feeds(i))).outputs.y!.dispose());
        }
        await engine.close();
        const added = quantile(viaQueue, 0.5) - quantile(inProcess, 0.5);
        const bareAdded = quantile(viaBullmq, 0.5) - quantile(inProcess, 0.5);
        await bare.close();
        bare = undefined;
        await Promise.all(workers.splice(0).map((w) => w.stop()));

        // 3. The real tiny BERT (sentence embeddings), 1 and 2 workers, 8 requests in flight.
        const bert: { workers: number; rps: number; p50: number; failures: number }[] = [];
        const text = client('bert');
        const sentence = 'The quick brown fox jumps over the lazy dog near the river bank.';
        for (const n of p.bertWorkers) {
          workers.push(...(await Promise.all(Array.from({ length: n - workers.length }, () => spawnQueueWorker({ url: redis.url, queue: 'bert', concurrency: 4, text: { st: resolve(FIXTURES, 'tiny-bert-st') }, ...TIMINGS })))));
          await closedLoop(() => text.embed('st', [sentence]), { clients: 8, requestsPerClient: p.bertWarmup });
          const r = await closedLoop(() => text.embed('st', [sentence]), { clients: 8, requestsPerClient: p.bertRequestsPerClient });
          bert.push({ workers: n, rps: r.rps, p50: quantile(r.latencies, 0.5), failures: r.failures });
          context.log(`queue: tiny BERT, ${n} worker(s): ${fmt(r.rps)} embeddings/s`);
        }

        return {
          id: 'queue',
          title: this.title,
          tables: [
            {
              title: `Device-bound stand-in (${RUN_MS} ms per run, 1 job at a time per worker), 2 requests in flight per worker, ${p.rounds} interleaved ${fmt(p.windowMs / 1000)} s windows per worker count`,
              headers: ['workers', 'jobs/s', 'ideal (N × 1 worker)', 'scaling (÷ ideal)', 'p50 ms', 'p99 ms', 'worker run p50 ms (20 = not starved)', 'failures'],
              rows: scale.map((s) => [s.workers, fmt(s.rps), fmt(s.workers * one), fmt(ratio(s.rps, s.workers * one)), fmt(s.p50), fmt(s.p99), fmt(s.run), s.failures]),
            },
            {
              title: `Latency at low load (one request at a time, ${p.latencyRounds} interleaved rounds, 0 ms runs)`,
              headers: ['path', 'p50 ms', 'p99 ms'],
              rows: [
                ['through Redis (client → BullMQ → worker process → client)', fmt(quantile(viaQueue, 0.5)), fmt(quantile(viaQueue, 0.99))],
                ['bare BullMQ (Queue.add → a Worker process without Inferox → QueueEvents completed)', fmt(quantile(viaBullmq, 0.5)), fmt(quantile(viaBullmq, 0.99))],
                ['engine.infer in process', fmt(quantile(inProcess, 0.5)), fmt(quantile(inProcess, 0.99))],
                ['added by the queue', fmt(added), fmt(quantile(viaQueue, 0.99) - quantile(inProcess, 0.99))],
                ['added by bare BullMQ', fmt(bareAdded), fmt(quantile(viaBullmq, 0.99) - quantile(inProcess, 0.99))],
              ],
            },
            {
              title: 'tiny BERT sentence embeddings through the queue (8 requests in flight, worker concurrency 4)',
              headers: ['workers', 'embeddings/s', 'p50 ms', '÷ 1 worker', 'failures'],
              rows: bert.map((b) => [b.workers, fmt(b.rps), fmt(b.p50), fmt(ratio(b.rps, bert[0]!.rps)), b.failures]),
            },
          ],
          goals: [
            ...scale.slice(1).map((s) =>
              checkGoal(`${s.workers} workers ÷ (${s.workers} × 1 worker), device-bound`, ratio(s.rps, s.workers * one), { atLeast: 0.9 }, '', `${s.workers} × one worker's ${fmt(one)} jobs/s = ${fmt(s.workers * one)} jobs/s`),
            ),
            checkGoal(
              'p50 latency added by the queue at low load',
              added,
              { atMost: 2 },
              ' ms',
              `engine.infer in process: p50 ${fmt(quantile(inProcess, 0.5))} ms; bare BullMQ (a worker process without Inferox, the same 0 ms runs) adds ${fmt(bareAdded)} ms${bareAdded > 2 ? ', so no queue on BullMQ can meet the goal on this machine' : ''}, the queue ${fmt(added - bareAdded)} ms beyond it`,
            ),
          ],
          notes: [
            'Workers are separate node processes on this machine, started from one esbuild bundle of the sources; Redis is a local redis-server with the append-only file on.',
            'The device-bound workers use almost no CPU, so they scale until Redis round trips or the producer saturate a core; tiny BERT is CPU-bound, so on 2 cores a second worker helps only as far as a free core exists (the producer and Redis take CPU too).',
            'The machine is shared: other processes compete for its 2 cores during the run.',
          ],
          raw: { scale, viaQueue, viaBullmq, inProcess, bert },
        };
      } finally {
        await Promise.all(clients.map((c) => c.close()));
        await Promise.all(workers.map((w) => w.stop()));
        await bare?.close();
        await redis.stop();
        await dropBundle();
      }
    },
  };
}

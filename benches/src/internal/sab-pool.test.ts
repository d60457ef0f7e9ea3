import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bertFeeds } from './bert-feeds';
import { type SabFeed, type SabOutput, SabPool } from './sab-pool';

// Real onnxruntime-node in real worker threads on the tiny fixture (the vitest config preloads the TS worker loader).
const ONNX = resolve(import.meta.dirname, '../../../fixtures/tiny-bert-hf/model.onnx');
const SEQ = 8;

const wire = (seed: number): SabFeed[] => Object.entries(bertFeeds(1, SEQ, seed).ort).map(([name, t]) => ({ name, data: t.data as BigInt64Array }));

let session: ort.InferenceSession;
beforeAll(async () => {
  session = await ort.InferenceSession.create(ONNX, { intraOpNumThreads: 1, interOpNumThreads: 1, executionProviders: ['cpu'] });
});
afterAll(() => session.release());

/** What a direct session.run answers for these feeds, in the pool's output shape. */
async function direct(seed: number): Promise<SabOutput[]> {
  const out = await session.run(bertFeeds(1, SEQ, seed).ort);
  return session.outputNames.map((name) => ({ name, dims: out[name]!.dims, data: out[name]!.data as Float32Array }));
}

describe('SabPool', () => {
  it('returns what a direct session.run returns, in arrays of the caller, for several calls one after the other', async () => {
    const pool = await SabPool.start({ onnxPath: ONNX, threads: 1, seq: SEQ });
    try {
      expect(pool.outputs).toEqual([
        { name: 'last_hidden_state', dims: [1, SEQ, 64] },
        { name: 'pooler_output', dims: [1, 64] },
      ]);
      const answers: SabOutput[][] = [];
      for (const seed of [1, 2, 3, 4, 5]) {
        const got = await pool.run(wire(seed));
        expect(got).toEqual(await direct(seed));
        // The caller's own memory, not a view of the shared slot the next run overwrites.
        for (const o of got) expect(o.data.buffer).toBeInstanceOf(ArrayBuffer);
        answers.push(got);
      }
      // Earlier answers are unchanged by later runs through the same slots.
      expect(answers[0]).toEqual(await direct(1));
      expect(answers[0]![1]!.data).not.toEqual(answers[1]![1]!.data);
    } finally {
      await pool.close();
    }
  });

  it('queues callers beyond its two threads and answers every one with its own outputs when one run is in flight per thread', async () => {
    const pool = await SabPool.start({ onnxPath: ONNX, threads: 1, seq: SEQ });
    try {
      const seeds = [11, 12, 13, 14, 15, 16, 17];
      const calls = seeds.map((seed) => pool.run(wire(seed)));
      expect([pool.inFlight, pool.queued]).toEqual([2, 5]);
      const got = await Promise.all(calls);
      for (const [i, seed] of seeds.entries()) expect(got[i]).toEqual(await direct(seed));
      expect([pool.inFlight, pool.queued]).toEqual([0, 0]);
    } finally {
      await pool.close();
    }
  });

  it('hands each thread two runs at once and reuses both slots correctly when depth is 2', async () => {
    const pool = await SabPool.start({ onnxPath: ONNX, threads: 1, seq: SEQ, depth: 2 });
    try {
      const seeds = [21, 22, 23, 24, 25, 26, 27, 28, 29];
      const calls = seeds.map((seed) => pool.run(wire(seed)));
      expect([pool.inFlight, pool.queued]).toEqual([4, 5]);
      const got = await Promise.all(calls);
      for (const [i, seed] of seeds.entries()) expect(got[i]).toEqual(await direct(seed));
    } finally {
      await pool.close();
    }
  });

  it("rejects a run with the session's error and answers the next runs when a token id is out of the vocabulary", async () => {
    const pool = await SabPool.start({ onnxPath: ONNX, threads: 1, seq: SEQ, workers: 1 });
    try {
      const bad = wire(1);
      bad.find((f) => f.name === 'input_ids')!.data[1] = 10_000_000n;
      const calls = [pool.run(wire(2)), pool.run(bad), pool.run(wire(3))];
      const settled = await Promise.allSettled(calls);
      expect(settled[0]).toEqual({ status: 'fulfilled', value: await direct(2) });
      expect(settled[1]!.status).toBe('rejected');
      expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/^Error: shared-memory pool run failed: .*Gather.*indices/s);
      expect(settled[2]).toEqual({ status: 'fulfilled', value: await direct(3) });
    } finally {
      await pool.close();
    }
  });

  it('refuses feeds that do not match the model or the sequence, naming the input', async () => {
    const pool = await SabPool.start({ onnxPath: ONNX, threads: 1, seq: SEQ, workers: 1 });
    try {
      const feeds = wire(1);
      await expect(pool.run(feeds.slice(1))).rejects.toThrow('expected 3 feeds (input_ids, attention_mask, token_type_ids), got 2');
      await expect(pool.run([...feeds.slice(1), { name: 'ids', data: feeds[0]!.data }])).rejects.toThrow('no feed named input_ids (got attention_mask, token_type_ids, ids)');
      await expect(pool.run([...feeds.slice(1), { name: 'input_ids', data: new BigInt64Array(SEQ + 1) }])).rejects.toThrow(`feed input_ids has ${SEQ + 1} tokens; this pool runs [1, ${SEQ}]`);
      // Feeds in another order are matched by name.
      expect(await pool.run([...feeds].reverse())).toEqual(await direct(1));
    } finally {
      await pool.close();
    }
  });

  it('answers runs in flight, refuses queued and later ones, and ends its threads when closed', async () => {
    const pool = await SabPool.start({ onnxPath: ONNX, threads: 1, seq: SEQ });
    const calls = [31, 32, 33, 34].map((seed) => pool.run(wire(seed)));
    const closing = pool.close();
    expect(pool.close()).toBe(closing);
    const settled = await Promise.allSettled(calls);
    await closing;
    expect(settled.slice(0, 2)).toEqual([
      { status: 'fulfilled', value: await direct(31) },
      { status: 'fulfilled', value: await direct(32) },
    ]);
    for (const s of settled.slice(2)) expect(String((s as PromiseRejectedResult).reason)).toBe('Error: shared-memory pool closed before this run started');
    await expect(pool.run(wire(1))).rejects.toThrow('shared-memory pool is closed');
    await expect(pool.echo(wire(1))).rejects.toThrow('shared-memory pool is closed');
  });

  it('times an echo: feeds in, output-sized arrays back, each leg a positive duration inside the round trip', async () => {
    const pool = await SabPool.start({ onnxPath: ONNX, threads: 1, seq: SEQ, workers: 1 });
    try {
      // Many, one after the other: an echo often answers before this thread starts waiting, and a pool that lost
      // track of its waiting loop then (a bug seen once, within a few hundred echoes) never settled the next call.
      for (let i = 0; i < 500; i++) {
        const h = await pool.echo(wire(1));
        expect(h.toWorker).toBeGreaterThan(0);
        expect(h.toMain).toBeGreaterThan(0);
        expect(h.roundTrip).toBeGreaterThanOrEqual(h.toWorker + h.toMain);
      }
      // An echo leaves the pool ready to run.
      expect(await pool.run(wire(4))).toEqual(await direct(4));
    } finally {
      await pool.close();
    }
  });

  it('refuses a pool of no threads and fails to start on a missing model, leaving no thread behind', async () => {
    await expect(SabPool.start({ onnxPath: ONNX, threads: 1, seq: SEQ, workers: 0 })).rejects.toThrow('workers must be a positive integer, got 0');
    await expect(SabPool.start({ onnxPath: `${ONNX}.missing`, threads: 1, seq: SEQ })).rejects.toThrow(/model\.onnx\.missing/);
  });
});

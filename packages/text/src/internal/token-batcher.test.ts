import { expectInferoxError } from '@inferox/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BatchContext, TokenBatcher } from './token-batcher';

interface Item {
  readonly ids: readonly number[];
  readonly tag: string;
}

const item = (length: number, tag = `${length}`): Item => ({ ids: new Array<number>(length).fill(1), tag });

/** A batcher whose runs are recorded and answered with each item's tag. */
function recording(options: { maxBatchTokens: number; maxBatchSize: number; maxConcurrentBatches?: number; maxPaddingWaste?: number }) {
  const runs: { tags: string[]; context: BatchContext }[] = [];
  const batcher = new TokenBatcher<Item, string>(
    async (items, context) => {
      runs.push({ tags: items.map((i) => i.tag), context });
      await new Promise((resolve) => setImmediate(resolve));
      return items.map((i) => `done:${i.tag}`);
    },
    { maxConcurrentBatches: 1, maxPaddingWaste: 1, ...options },
  );
  return { batcher, runs };
}

describe('TokenBatcher', () => {
  it('answers each request in input order when its sequences are spread over batches', async () => {
    const { batcher, runs } = recording({ maxBatchTokens: 40, maxBatchSize: 8 });
    const result = await batcher.submit([item(10, 'a'), item(30, 'b'), item(10, 'c'), item(30, 'd')]);
    expect(result).toEqual(['done:a', 'done:b', 'done:c', 'done:d']);
    // Lengths are grouped: the two 10s share a batch, each 30 runs alone (30 × 2 > 40).
    expect(runs.map((r) => r.tags)).toEqual([['a', 'c'], ['b'], ['d']]);
    expect(batcher.stats()).toEqual({ requests: 1, sequences: 4, batches: 3, realTokens: 80, paddedTokens: 80, paddingWaste: 0 });
  });

  it('groups short texts of concurrent callers apart from long ones', async () => {
    const { batcher, runs } = recording({ maxBatchTokens: 1000, maxBatchSize: 4 });
    const lengths = [8, 120, 9, 118, 10, 119, 8, 121];
    await Promise.all(lengths.map((n) => batcher.submit([item(n)])));
    expect(runs.map((r) => r.tags.map(Number).sort((a, b) => a - b))).toEqual([
      [8, 8, 9, 10],
      [118, 119, 120, 121],
    ]);
    expect(runs.map((r) => r.context.length)).toEqual([10, 121]);
  });

  it('keeps each batch within maxPaddingWaste when lengths differ', async () => {
    const { batcher, runs } = recording({ maxBatchTokens: 10_000, maxBatchSize: 64, maxPaddingWaste: 0.15 });
    const lengths = [100, 95, 90, 50, 48, 10, 9, 10];
    await Promise.all(lengths.map((n) => batcher.submit([item(n)])));
    expect(runs.map((r) => r.tags.map(Number).sort((a, b) => a - b))).toEqual([[90, 95, 100], [48, 50], [9, 10, 10]]);
    expect(batcher.stats().paddingWaste).toBeLessThanOrEqual(0.15);
  });

  it('runs the most urgent priority first and tells the run its priority and backend', async () => {
    const { batcher, runs } = recording({ maxBatchTokens: 10, maxBatchSize: 1 });
    const done = [batcher.submit([item(5, 'low')], { priority: 'low', backend: 'tfjs' }), batcher.submit([item(5, 'critical')], { priority: 'critical', backend: 'tfjs' })];
    await Promise.all(done);
    expect(runs.map((r) => [r.tags[0], r.context.priority, r.context.backend])).toEqual([
      ['critical', 'critical', 'tfjs'],
      ['low', 'low', 'tfjs'],
    ]);
    await expectInferoxError(batcher.submit([item(1)], { priority: 'urgent' as never }), 'INVALID_INPUT', 'urgent');
  });

  it('fails every request of a batch whose run fails, and only those', async () => {
    let calls = 0;
    const batcher = new TokenBatcher<Item, string>(
      async (items) => {
        calls++;
        if (items.some((i) => i.tag === 'bad')) throw new Error('boom');
        return items.map((i) => i.tag);
      },
      { maxBatchTokens: 10, maxBatchSize: 8, maxConcurrentBatches: 1, maxPaddingWaste: 1 },
    );
    const [bad, good] = await Promise.allSettled([batcher.submit([item(5, 'bad')]), batcher.submit([item(9, 'good')])]);
    expect(bad.status).toBe('rejected');
    expect(good).toEqual({ status: 'fulfilled', value: ['good'] });
    expect(calls).toBe(2);
  });

  it('drops a cancelled request from the queue without running it', async () => {
    const { batcher, runs } = recording({ maxBatchTokens: 10, maxBatchSize: 1 });
    const controller = new AbortController();
    const first = batcher.submit([item(5, 'first')]);
    const second = batcher.submit([item(5, 'cancelled')], { signal: controller.signal });
    controller.abort('no');
    await expectInferoxError(second, 'CANCELLED');
    await first;
    expect(runs.map((r) => r.tags)).toEqual([['first']]);
  });

  it('never exceeds the token budget or batch size and settles every request once (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 64, max: 300 }), async (requests, budget) => {
        const { batcher, runs } = recording({ maxBatchTokens: budget, maxBatchSize: 5, maxConcurrentBatches: 2, maxPaddingWaste: 0.3 });
        const results = await Promise.all(requests.map((lengths, r) => batcher.submit(lengths.map((n, i) => item(n, `${r}.${i}`)))));
        results.forEach((result, r) => expect(result).toEqual(requests[r]!.map((_, i) => `done:${r}.${i}`)));
        for (const run of runs) {
          const real = run.tags.reduce((sum, tag) => sum + requests[Number(tag.split('.')[0])]![Number(tag.split('.')[1])]!, 0);
          expect((run.context.length * run.tags.length - real) / (run.context.length * run.tags.length)).toBeLessThanOrEqual(0.3 + 1e-9);
          expect(run.tags.length).toBeLessThanOrEqual(5);
          expect(run.context.length * run.tags.length).toBeLessThanOrEqual(budget);
        }
        expect(runs.flatMap((r) => r.tags).sort()).toEqual(requests.flatMap((l, r) => l.map((_, i) => `${r}.${i}`)).sort());
      }),
      { numRuns: 60 },
    );
  });

  it("runs one caller's next text without waiting a turn of the event loop, but waits one after answering several callers", async () => {
    const { batcher, runs } = recording({ maxBatchTokens: 1000, maxBatchSize: 16 });
    const microtasks = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await null;
    };
    await batcher.submit([item(5, 'first')]);
    void batcher.submit([item(5, 'second')]);
    // Only microtasks have run since: the lone caller's batch is already under way.
    await microtasks(10);
    expect(runs.map((r) => r.tags)).toEqual([['first'], ['second']]);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    // A batch that answered two callers: the next batch waits a turn so both can send their next texts into it.
    await Promise.all([batcher.submit([item(5, 'a')]), batcher.submit([item(5, 'b')])]);
    void batcher.submit([item(5, 'c')]);
    await microtasks(10);
    expect(runs.map((r) => r.tags).slice(2)).toEqual([['a', 'b']]);
    void batcher.submit([item(5, 'd')]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs.map((r) => r.tags).slice(3)).toEqual([['c', 'd']]);
  });

  it('shrinks the token budget to what targetBatchMs allows at the measured time per padded token', async () => {
    // A fake clock the run advances by 0.1 ms per padded token: a 50-token batch takes 5 ms.
    let clock = 0;
    const runs: number[][] = [];
    const batcher = new TokenBatcher<Item, string>(
      async (items, context) => {
        runs.push(items.map((i) => i.ids.length));
        clock += 0.1 * context.length * items.length;
        await new Promise((resolve) => setImmediate(resolve));
        return items.map((i) => i.tag);
      },
      { maxBatchTokens: 1000, maxBatchSize: 64, maxConcurrentBatches: 1, maxPaddingWaste: 1, targetBatchMs: 5, now: () => clock },
    );
    // Nothing measured yet: the first batch has the token budget alone (20 × 10 = 200 tokens, 20 ms).
    await batcher.submit(Array.from({ length: 20 }, () => item(10)));
    expect(runs).toEqual([new Array(20).fill(10)]);
    // Measured 0.1 ms per token: 5 ms allow 50 tokens, so 5 sequences of 10 per batch.
    await batcher.submit(Array.from({ length: 12 }, () => item(10)));
    expect(runs.slice(1).map((r) => r.length)).toEqual([5, 5, 2]);
    // The oldest sequence always runs, even past the budget.
    await batcher.submit([item(80, 'long')]);
    expect(runs.at(-1)).toEqual([80]);
    // Each backend keeps its own measure: another backend's first batch has the token budget alone again.
    await batcher.submit(Array.from({ length: 12 }, () => item(10)), { backend: 'tfjs' });
    expect(runs.at(-1)).toHaveLength(12);
  });
});

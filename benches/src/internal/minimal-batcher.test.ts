import { describe, expect, it } from 'vitest';
import type * as ort from 'onnxruntime-node';
import { minimalBatcher } from './minimal-batcher';

/** A stand-in session: records each run's feeds; its output row i is [sum of row i's ids, row index] as floats. */
function fakeSession(fail = false) {
  const runs: { dims: readonly number[]; ids: bigint[] }[] = [];
  let release!: () => void;
  let gate = new Promise<void>((resolve) => (release = resolve));
  const session = {
    async run(feeds: Record<string, ort.Tensor>) {
      const ids = feeds.input_ids!;
      runs.push({ dims: ids.dims, ids: [...(ids.data as BigInt64Array)] });
      await gate;
      gate = new Promise<void>((resolve) => (release = resolve));
      if (fail) throw new Error('run failed');
      const [n, seq] = ids.dims as [number, number];
      const out = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        let sum = 0n;
        for (let k = 0; k < seq; k++) sum += (ids.data as BigInt64Array)[i * seq + k]!;
        out[i * 2] = Number(sum);
        out[i * 2 + 1] = i;
      }
      return { out: { data: out } as unknown as ort.Tensor };
    },
  };
  return { session, runs, release: () => release() };
}
const tensor = (data: BigInt64Array, dims: readonly number[]) => ({ data, dims }) as unknown as ort.Tensor;
const row = (...ids: number[]) => ({ input_ids: BigInt64Array.from(ids.map(BigInt)), attention_mask: new BigInt64Array(ids.length).fill(1n) });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('minimalBatcher', () => {
  it('runs the first request at once, batches what queued meanwhile up to the maximum, and gives each its own rows', async () => {
    const s = fakeSession();
    const run = minimalBatcher(s.session, 2, tensor);
    const answers = [run(row(1, 2)), run(row(3, 4)), run(row(5, 6)), run(row(7, 8))];
    await tick();
    s.release();
    await tick();
    s.release();
    await tick();
    s.release();
    const outs = await Promise.all(answers);
    // The first ran alone (the session was idle); the three that queued meanwhile went in batches of at most 2.
    expect(s.runs.map((r) => r.dims)).toEqual([
      [1, 2],
      [2, 2],
      [1, 2],
    ]);
    expect(s.runs.map((r) => r.ids)).toEqual([[1n, 2n], [3n, 4n, 5n, 6n], [7n, 8n]]);
    expect(outs.map((o) => [...o.out!])).toEqual([
      [3, 0],
      [7, 0],
      [11, 1],
      [15, 0],
    ]);
  });

  it('rejects every request of a batch whose run fails, and goes on with the next batch', async () => {
    const s = fakeSession(true);
    const run = minimalBatcher(s.session, 4, tensor);
    const settled = Promise.allSettled([run(row(1)), run(row(2)), run(row(3))]);
    await tick();
    s.release();
    await tick();
    s.release();
    expect(await settled).toEqual([
      { status: 'rejected', reason: new Error('run failed') },
      { status: 'rejected', reason: new Error('run failed') },
      { status: 'rejected', reason: new Error('run failed') },
    ]);
    // The second batch held both requests that queued behind the first.
    expect(s.runs.map((r) => r.dims)).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });
});

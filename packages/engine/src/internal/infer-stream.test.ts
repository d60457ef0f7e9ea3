import type { InferResult, StreamItem } from '../infer-result';
import { describe, expect, it } from 'vitest';
import { streamResults } from './infer-stream';

function gate(): { promise: Promise<InferResult>; resolve: (v: InferResult) => void; reject: (e: unknown) => void } {
  let resolve!: (v: InferResult) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<InferResult>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const result = (n: number): InferResult => ({ batchSize: n }) as unknown as InferResult;

describe('streamResults', () => {
  it('starts every request on the first read and yields each as it settles, in settling order, with its index', async () => {
    const gates = [gate(), gate(), gate()];
    const started: number[] = [];
    const stream = streamResults(3, (index) => {
      started.push(index);
      return gates[index]!.promise;
    });
    expect(started).toEqual([]);
    const first = stream.next();
    expect(started).toEqual([0, 1, 2]);
    const failure = new Error('bad');
    gates[2]!.resolve(result(2));
    expect(await first).toEqual({ done: false, value: { index: 2, result: result(2) } });
    gates[0]!.reject(failure);
    gates[1]!.resolve(result(1));
    const rest: StreamItem[] = [];
    for await (const item of stream) rest.push(item);
    expect(rest).toEqual([
      { index: 0, error: failure },
      { index: 1, result: result(1) },
    ]);
  });

  it('ends at once for no request', async () => {
    const items: StreamItem[] = [];
    for await (const item of streamResults(0, () => Promise.reject(new Error('never')))) items.push(item);
    expect(items).toEqual([]);
  });

  it("aborts the signals of the requests not yet read with CANCELLED when the consumer stops early, and follows the caller's signal", async () => {
    const gates = [gate(), gate()];
    const signals: AbortSignal[] = [];
    const outer = new AbortController();
    const stream = streamResults(
      2,
      (index, signal) => {
        signals.push(signal);
        return gates[index]!.promise;
      },
      outer.signal,
    );
    const first = stream.next();
    gates[0]!.resolve(result(0));
    await first;
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
    await stream.return(undefined);
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    expect([signals[1]!.reason.code, signals[1]!.reason.message]).toEqual(['CANCELLED', 'the stream consumer stopped reading']);
    outer.abort('late');
    expect(signals[1]!.reason.code).toBe('CANCELLED');
  });

  it('aborts nothing when every result was read', async () => {
    const signals: AbortSignal[] = [];
    for await (const item of streamResults(2, (index, signal) => (signals.push(signal), Promise.resolve(result(index))))) expect('error' in item).toBe(false);
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
  });
});

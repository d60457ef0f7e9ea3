import type * as ort from 'onnxruntime-node';

/** One request's int64 feeds, by input name, each `[1, seq]`. */
export type RowFeeds = Readonly<Record<string, BigInt64Array>>;

/**
 * The least a dynamic batcher can do in JavaScript, as a reference for the engine's: requests queue; whenever the
 * session is idle, up to `maxBatchSize` queued requests are concatenated into `[n, seq]` int64 feeds, run once, and
 * each gets its rows of every output as a view (no copy, no validation, no deadline, no metrics). Requests must all
 * have the same inputs and sequence length. `makeTensor` builds the session's tensors (`new ort.Tensor`).
 */
export function minimalBatcher(
  session: Pick<ort.InferenceSession, 'run'>,
  maxBatchSize: number,
  makeTensor: (data: BigInt64Array, dims: readonly number[]) => ort.Tensor,
): (feeds: RowFeeds) => Promise<Record<string, Float32Array>> {
  const queue: { feeds: RowFeeds; resolve: (outputs: Record<string, Float32Array>) => void; reject: (error: unknown) => void }[] = [];
  let running = false;
  const drain = async (): Promise<void> => {
    running = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatchSize);
      const names = Object.keys(batch[0]!.feeds);
      const seq = batch[0]!.feeds[names[0]!]!.length;
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of names) {
        const data = new BigInt64Array(batch.length * seq);
        batch.forEach((r, i) => data.set(r.feeds[name]!, i * seq));
        feeds[name] = makeTensor(data, [batch.length, seq]);
      }
      try {
        const outputs = await session.run(feeds);
        batch.forEach((r, i) => {
          const mine: Record<string, Float32Array> = {};
          for (const [name, t] of Object.entries(outputs)) {
            const data = t.data as Float32Array;
            const per = data.length / batch.length;
            mine[name] = data.subarray(i * per, (i + 1) * per);
          }
          r.resolve(mine);
        });
      } catch (error) {
        for (const r of batch) r.reject(error);
      }
    }
    running = false;
  };
  return (feeds) =>
    new Promise((resolve, reject) => {
      queue.push({ feeds, resolve, reject });
      if (!running) void drain();
    });
}

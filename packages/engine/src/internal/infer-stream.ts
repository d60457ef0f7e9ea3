import { ErrorCode, InferoxError } from '@inferox/core';
import type { InferResult, StreamItem } from '../infer-result';
import { splitSignal } from './split-signal';

/**
 * Starts `count` requests on the first iteration and yields each as it settles, with its index. Leaving the loop
 * early aborts the requests' signals: queued requests are cancelled, running ones have their results discarded.
 */
export async function* streamResults(
  count: number,
  start: (index: number, signal: AbortSignal) => Promise<InferResult>,
  outer?: AbortSignal,
): AsyncGenerator<StreamItem, void, undefined> {
  const split = splitSignal(outer, count);
  const ready: StreamItem[] = [];
  let wake: (() => void) | undefined;
  for (let index = 0; index < count; index++) {
    void start(index, split.signals[index]!)
      .then(
        (result): StreamItem => ({ index, result }),
        (error: unknown): StreamItem => ({ index, error }),
      )
      .then((item) => {
        ready.push(item);
        wake?.();
      });
  }
  let remaining = count;
  try {
    while (remaining > 0) {
      if (ready.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      while (ready.length > 0) {
        remaining -= 1;
        yield ready.shift()!;
      }
    }
  } finally {
    split.dispose();
    if (remaining > 0) split.abort(new InferoxError(ErrorCode.CANCELLED, 'the stream consumer stopped reading'));
  }
}

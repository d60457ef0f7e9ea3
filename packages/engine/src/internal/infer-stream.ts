import { ErrorCode, InferoxError } from '@inferox/core';
import type { InferResult, StreamItem } from '../infer-result';

/**
 * Starts `count` requests on the first iteration and yields each as it settles, with its index. Leaving the loop
 * early aborts the shared signal: queued requests are cancelled, running ones have their results discarded.
 */
export async function* streamResults(
  count: number,
  start: (index: number, signal: AbortSignal) => Promise<InferResult>,
  outer?: AbortSignal,
): AsyncGenerator<StreamItem, void, undefined> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  if (outer?.aborted) onAbort();
  const ready: StreamItem[] = [];
  let wake: (() => void) | undefined;
  for (let index = 0; index < count; index++) {
    void start(index, controller.signal)
      .then(
        (result): StreamItem => ({ index, result }),
        (error: unknown): StreamItem => ({ index, error }),
      )
      .then((item) => {
        ready.push(item);
        wake?.();
      });
  }
  try {
    for (let remaining = count; remaining > 0; ) {
      if (ready.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      while (ready.length > 0) {
        remaining -= 1;
        yield ready.shift()!;
      }
    }
  } finally {
    outer?.removeEventListener('abort', onAbort);
    if (!controller.signal.aborted) controller.abort(new InferoxError(ErrorCode.CANCELLED, 'the stream consumer stopped reading'));
  }
}

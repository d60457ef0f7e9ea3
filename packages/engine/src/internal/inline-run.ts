import { ManagedModelHandle, type ModelHandle, type Tensor, type TensorMap } from '@inferox/core';
import type { Run } from './replica';

/**
 * Core's `ManagedModelHandle` internal run entry (`RUN_CHECKED` in core's managed-model-handle.ts): every output, and
 * the stop signal read from `stop` only when the runner asks for it, so an inline run costs no AbortController.
 */
const RUN_CHECKED = Symbol.for('@inferox/core:ManagedModelHandle.runChecked');

/** The entry as the engine calls it; `validated`: the feeds passed validateFeeds against the handle's signature. */
type CheckedRun = (feeds: TensorMap, stop: { readonly signal: AbortSignal }, validated: boolean) => Promise<Record<string, Tensor>>;

/**
 * How a replica runs `handle` inline: through core's internal entry when the handle's `run` is core's managed one
 * (not replaced or overridden, so skipping it changes nothing but the cost; the scheduler's run signal is then made
 * only if the backend reads it), else through `run` with that signal.
 */
export function inlineRun(handle: ModelHandle): Run {
  const checked = (handle as { [RUN_CHECKED]?: CheckedRun })[RUN_CHECKED];
  if (typeof checked === 'function' && handle.run === ManagedModelHandle.prototype.run) return (feeds, context, validated) => checked.call(handle, feeds, context, validated);
  return (feeds, context) => handle.run(feeds, { signal: context.signal });
}

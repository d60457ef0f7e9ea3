import { ErrorCode, InferoxError } from '@inferox/core';
import type { EngineState } from './engine-state';
import { parseModelName } from './model-name';
import { raceSignal } from './race-signal';
import { retireVersion } from './retire';
import { label } from './version-entry';

/** Resolves after `ms` or when `signal` aborts, whichever comes first; leaves no timer behind. */
function delay(ms: number, signal: AbortSignal | undefined): { done: Promise<void>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    onAbort = resolve;
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  return {
    done,
    cancel: () => {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * `engine.unload`: new requests get `MODEL_NOT_FOUND` at once; queued and running ones may finish within `timeoutMs`
 * (then they get `SHUT_DOWN`); a lazy load under way is waited for (as long) and what it produced retired; a load of
 * the name still in flight is cancelled. Resolves by `timeoutMs` even when a run never returns: its handle is then
 * disposed when (if) the run returns.
 *
 * @throws InferoxError `MODEL_NOT_FOUND`, `INVALID_INPUT`, `CANCELLED` (the signal aborted the wait).
 */
export async function unloadModel(state: EngineState, nameText: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const { name, version } = parseModelName(nameText);
  const entries = state.table.take(nameText, name, version);
  // Loads of this name still in flight (a hot swap) are cancelled: they retire what they produce instead of
  // installing it.
  const inFlight = [...state.pendingLoads].filter((p) => p.entry.name === name && (version === undefined || p.entry.version === version));
  for (const e of [...entries, ...inFlight.map((p) => p.entry)]) e.removed = true;
  for (const p of inFlight) p.cancel.abort(new InferoxError(ErrorCode.CANCELLED, `${label(p.entry)} was unloaded while it loaded`));
  const started = performance.now();
  const left = (): number => Math.max(0, timeoutMs - (performance.now() - started));
  const done = Promise.all([
    ...entries.map(async (e) => {
      // A lazy load under way is waited for (within the time), then what it produced is retired with the rest.
      if (e.lazyLoad) {
        let settled = false;
        const wait = delay(left(), signal);
        await Promise.race([e.lazyLoad.then(() => (settled = true), () => (settled = true)), wait.done]);
        wait.cancel();
        if (!settled) return; // still loading: it retires what it loads itself, since the entry is removed
      }
      await retireVersion(state, e, { drain: true, timeoutMs: left() });
    }),
    ...inFlight.map(async (p) => {
      const wait = delay(left(), signal);
      await Promise.race([p.settled, wait.done]);
      wait.cancel();
    }),
  ]);
  await raceSignal(done, signal, `unload of ${nameText}`);
  state.logger.info('model unloaded', { model: nameText });
}

import { ErrorCode, InferoxError } from '@inferox/core';
import type { TfjsRuntimeOption } from '../tfjs-runtime';
import { type RuntimeModuleLoader, type RuntimeSelection, selectRuntime } from './runtime-candidates';
import type { Tf } from './tf-module';

/**
 * The process-wide claim on tfjs' engine. tfjs keeps one engine (and one active backend) per JavaScript realm, so
 * the claim lives on `globalThis` under a registered symbol: every copy of this package in the process sees it.
 */
interface ClaimState {
  active: RuntimeSelection | undefined;
  readonly owners: Set<object>;
  queue: Promise<void>;
}

const KEY = Symbol.for('@inferox/tfjs-backend/runtime-claim');

function state(): ClaimState {
  const holder = globalThis as unknown as Record<symbol, ClaimState | undefined>;
  return (holder[KEY] ??= { active: undefined, owners: new Set(), queue: Promise.resolve() });
}

/** The runtime currently claimed by a live Inferox tfjs backend in this realm, if any. */
export function activeRuntime(): RuntimeSelection | undefined {
  return state().active;
}

/**
 * Claims tfjs' engine for `owner`. The first claimant selects and activates a runtime and owns it; later claimants
 * asking for the same runtime (or `auto`) share it; one asking for a different runtime is refused. Claims are
 * serialised, so two backends initialising at once cannot both switch the engine.
 *
 * @returns the selection; `attempts` is empty when an existing runtime is shared.
 * @throws InferoxError `BACKEND_UNAVAILABLE` naming the active runtime when another is held, or listing the attempts
 * when no runtime could be activated.
 */
export function claimRuntime(owner: object, requested: TfjsRuntimeOption, tf: Tf, loader: RuntimeModuleLoader): Promise<RuntimeSelection> {
  const s = state();
  const claim = async (): Promise<RuntimeSelection> => {
    const active = s.active;
    if (active && s.owners.size > 0) {
      if (requested !== 'auto' && requested !== active.runtime) {
        throw new InferoxError(
          ErrorCode.BACKEND_UNAVAILABLE,
          `tfjs runtime ${requested} cannot be used: this process's tfjs engine is already running ${active.runtime} for another Inferox tfjs backend ` +
            `(tfjs has one engine per process); dispose that backend first, ask for ${active.runtime} or auto, or run the model in worker instances`,
          { details: { requested, activeRuntime: active.runtime, attempts: [] } },
        );
      }
      s.owners.add(owner);
      return { ...active, attempts: [] };
    }
    const selection = await selectRuntime(tf, requested, loader);
    s.active = selection;
    s.owners.add(owner);
    return selection;
  };
  const result = s.queue.then(claim, claim);
  s.queue = result.then(
    () => undefined,
    () => undefined,
  );
  return result;
}

/** Gives up `owner`'s claim; the last owner leaving frees the engine for any runtime. Idempotent. */
export function releaseRuntime(owner: object): void {
  const s = state();
  if (!s.owners.delete(owner)) return;
  if (s.owners.size === 0) s.active = undefined;
}

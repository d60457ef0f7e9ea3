import type { EngineState } from './engine-state';
import type { Replica, RetireOptions } from './replica';
import type { VersionEntry } from './version-entry';

/**
 * Retires one replica (drain, then free) and forgets it once its resources are freed, which may be after this
 * resolves (an inline run that outlived the drain). Its memory charge is the caller's to release.
 */
export async function retireReplica(state: EngineState, replica: Replica, options: RetireOptions): Promise<void> {
  void replica.released.then(() => state.replicas.delete(replica));
  await replica.retire(options);
}

/**
 * Marks `entry` removed and retires its replicas in the background (tracked, so close can wait for it), releasing
 * each one's memory charge once it is retired.
 */
export function retireVersion(state: EngineState, entry: VersionEntry, options: RetireOptions): Promise<void> {
  entry.removed = true;
  return state.background.track(
    Promise.all(
      entry.replicas.map(async (r) => {
        await retireReplica(state, r, options);
        state.ledger.release(r);
      }),
    ).then(() => undefined),
  );
}

import { ErrorCode, InferoxError } from '@inferox/core';
import type { EngineState } from './engine-state';
import { Replica } from './replica';
import { retireReplica } from './retire';
import { type VersionEntry, label } from './version-entry';

/** Who holds the charged memory: installed versions, loads in progress and replicas still draining. */
function describeHolders(state: EngineState): string {
  const counted = new Set<object>();
  const rows = state.table
    .entries()
    .filter((e) => e.replicas.length > 0)
    .map((e) => {
      for (const r of e.replicas) counted.add(r);
      return `${label(e)} ${e.replicas.reduce((n, r) => n + state.ledger.bytesOf(r), 0)} B${e.replicas.every((r) => r.idle) ? '' : ' (busy)'}`;
    });
  for (const [owner, { bytes, holder }] of state.ledger.charges()) {
    if (counted.has(owner)) continue;
    rows.push(owner instanceof Replica ? `${holder} ${bytes} B (${owner.state === 'live' ? 'loading' : 'draining'})` : `${holder} ${bytes} B`);
  }
  return rows.join(', ') || 'nothing';
}

/** The least recently used version that may be evicted for `forEntry`: ready, idle, not pinned, not `forEntry`'s slot. */
function pickVictim(state: EngineState, forEntry: VersionEntry): VersionEntry | undefined {
  let victim: VersionEntry | undefined;
  for (const e of state.table.entries()) {
    if (e.name === forEntry.name && e.version === forEntry.version) continue;
    if (e.state !== 'ready' || e.inflight > 0 || e.replicas.length === 0 || !e.replicas.every((r) => r.idle)) continue;
    if (!victim || e.recency < victim.recency) victim = e;
  }
  return victim;
}

/**
 * Evicts `entry`: its memory is released at once, its replicas retire in the background. A loaded model stays listed
 * as `evicted` (it reloads on its next request); a registered handle cannot be reloaded and is removed.
 */
function evict(state: EngineState, entry: VersionEntry): Promise<void> {
  state.logger.info('model evicted', { model: label(entry) });
  state.counters.evictions.add({ model: entry.name });
  const replicas = entry.replicas;
  for (const r of replicas) state.ledger.release(r);
  entry.replicas = [];
  if (entry.spec) {
    entry.state = 'evicted';
  } else {
    entry.removed = true;
    state.table.remove(entry);
  }
  return state.background.track(Promise.all(replicas.map((r) => retireReplica(state, r, { drain: true }))).then(() => undefined));
}

/**
 * Charges `bytes` to `owner` (described as `holder`), evicting idle models least-recently-used first to make room
 * (never `forEntry` nor the version it replaces in a hot swap, never one with requests). Synchronous, so two loads
 * cannot both take the same room.
 *
 * @returns the evictions under way (await them before loading, so the memory is really freed).
 * @throws InferoxError `OUT_OF_MEMORY` saying what is needed, the budget and who holds what.
 */
export function reserveMemory(state: EngineState, owner: object, bytes: number, holder: string, forEntry: VersionEntry, what: string): Promise<void>[] {
  const limit = state.config.maxMemoryBytes;
  const evictions: Promise<void>[] = [];
  if (limit !== undefined) {
    while (state.ledger.held() + bytes > limit) {
      const victim = pickVictim(state, forEntry);
      if (!victim) {
        const held = state.ledger.held();
        throw new InferoxError(
          ErrorCode.OUT_OF_MEMORY,
          `${what} needs ${bytes} bytes; the budget is ${limit} bytes and ${held} are held by ${describeHolders(state)}; nothing idle can be evicted`,
          { details: { needed: bytes, budget: limit, held } },
        );
      }
      evictions.push(evict(state, victim));
    }
  }
  state.ledger.charge(owner, bytes, holder);
  return evictions;
}

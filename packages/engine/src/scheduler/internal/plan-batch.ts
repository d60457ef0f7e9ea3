import type { AloneReason } from '../batching-options';
import type { RequestQueue } from './request-queue';
import type { ResolvedBatching } from './resolve-options';
import type { Entry, Plan } from './scheduler-entry';

/**
 * How many queued requests behind a batch's leader are examined for batch mates (times maxBatchSize, at least 64):
 * keeps each dispatch cheap when a long queue holds requests that cannot join.
 */
const BATCH_SCAN_FACTOR = 4;
const BATCH_SCAN_MIN = 64;

/**
 * What to do with a batch led by a request: run `plan` now (`scanned`: the queue was examined, so a pending batch
 * timer is moot), or wait until `waitUntil` (epoch ms) for it to fill.
 */
export type BatchDecision = { readonly plan: Plan; readonly scanned: boolean; readonly waitUntil?: undefined } | { readonly waitUntil: number; readonly plan?: undefined; readonly scanned?: undefined };

/**
 * The first queued request in service order whose cost fits in `free` (the next leader), by a plain walk over the
 * queue's nodes: this runs at every dispatch, once per request of a scheduler that does not batch.
 */
export function firstFitting(queue: RequestQueue<Entry>, free: number): Entry | undefined {
  for (let node = queue.first(); node; node = queue.after(node)) if (node.value.cost <= free) return node.value;
  return undefined;
}

/**
 * Plans the batch `leader` leads: compatible queued requests (same batch key) join in queue order while their summed
 * cost fits in `free`; it waits for more (until the oldest member's `maxQueueDelayMs` is over) unless it is full,
 * reached a preferred size, or the scheduler is closing; otherwise the leader runs alone, with the reason.
 */
export function planBatch(batching: ResolvedBatching, queue: RequestQueue<Entry>, leader: Entry, free: number, executor: number, closing: boolean): BatchDecision {
  const { maxBatchSize, maxQueueDelayMs, preferred } = batching;
  if (maxBatchSize === 1) return alone(leader, executor, 'batching-off', false);
  if (leader.key === undefined) return alone(leader, executor, 'shape-mismatch', false);
  const members = [leader];
  // The running sum in member order, exactly as the cost is reserved: subtracting from `free` instead could admit a
  // batch whose fractional costs sum (after rounding) to more than is free.
  let cost = leader.cost;
  let sawOther = false;
  let sawCompatible = false;
  // The delay runs from the oldest member's arrival (a later high-priority leader must not restart it).
  let oldest = leader.enqueuedAt;
  let budget = Math.max(BATCH_SCAN_MIN, BATCH_SCAN_FACTOR * maxBatchSize);
  // A plain walk over the queue's nodes (no callback): this runs at every dispatch of a batching scheduler.
  for (let node = queue.first(); node && members.length < maxBatchSize && budget-- !== 0; node = queue.after(node)) {
    const e = node.value;
    if (e === leader) continue;
    sawOther = true;
    if (e.key !== leader.key) continue;
    sawCompatible = true;
    if (cost + e.cost <= free) {
      members.push(e);
      cost += e.cost;
      if (e.enqueuedAt < oldest) oldest = e.enqueuedAt;
    }
  }
  const waitUntil = oldest + maxQueueDelayMs;
  const waited = Date.now() >= waitUntil;
  let size = members.length;
  if (!waited && !closing && size < maxBatchSize) {
    let reached: number | undefined;
    for (const p of preferred) if (p <= size) reached = p;
    if (reached === undefined) return { waitUntil };
    size = reached;
  }
  if (size > 1) {
    if (size < members.length) {
      members.length = size;
      cost = leader.cost;
      for (let i = 1; i < size; i++) cost += members[i]!.cost;
    }
    return { plan: { members, cost, executor, alone: undefined }, scanned: true };
  }
  return alone(leader, executor, sawCompatible ? 'no-capacity' : sawOther ? 'shape-mismatch' : waited && maxQueueDelayMs > 0 ? 'delay-expired' : 'queue-empty', true);
}

function alone(leader: Entry, executor: number, reason: AloneReason, scanned: boolean): BatchDecision {
  return { plan: { members: [leader], cost: leader.cost, executor, alone: reason }, scanned };
}

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
 * Plans the batch `leader` leads: compatible queued requests (same batch key) join in queue order while their summed
 * cost fits in `free`; it waits for more (until the oldest member's `maxQueueDelayMs` is over) unless it is full,
 * reached a preferred size, or the scheduler is closing; otherwise the leader runs alone, with the reason.
 */
export function planBatch(batching: ResolvedBatching, queue: RequestQueue<Entry>, leader: Entry, free: number, executor: number, closing: boolean): BatchDecision {
  const { maxBatchSize, maxQueueDelayMs, preferred } = batching;
  const alone1 = (alone: AloneReason, scanned = false): BatchDecision => ({ plan: { members: [leader], cost: leader.cost, executor, alone }, scanned });
  if (maxBatchSize === 1) return alone1('batching-off');
  if (leader.key === undefined) return alone1('shape-mismatch');
  const members = [leader];
  // Running sums in member order, exactly as the cost is reserved: subtracting from `free` instead could admit a
  // batch whose fractional costs sum (after rounding) to more than is free.
  const sums = [leader.cost];
  let sawOther = false;
  let sawCompatible = false;
  let budget = Math.max(BATCH_SCAN_MIN, BATCH_SCAN_FACTOR * maxBatchSize);
  queue.scan((e) => {
    if (members.length >= maxBatchSize || budget-- === 0) return false;
    if (e === leader) return true;
    sawOther = true;
    if (e.key !== leader.key) return true;
    sawCompatible = true;
    const sum = sums.at(-1)! + e.cost;
    if (sum <= free) {
      members.push(e);
      sums.push(sum);
    }
    return true;
  });
  // The delay runs from the oldest member's arrival (a later high-priority leader must not restart it).
  let oldest = leader.enqueuedAt;
  for (const m of members) oldest = Math.min(oldest, m.enqueuedAt);
  const waitUntil = oldest + maxQueueDelayMs;
  const waited = Date.now() >= waitUntil;
  let size = members.length;
  if (!waited && !closing && size < maxBatchSize) {
    const reached = preferred.filter((p) => p <= size).pop();
    if (reached === undefined) return { waitUntil };
    size = reached;
  }
  if (size > 1) return { plan: { members: members.slice(0, size), cost: sums[size - 1]!, executor, alone: undefined }, scanned: true };
  return alone1(sawCompatible ? 'no-capacity' : sawOther ? 'shape-mismatch' : waited && maxQueueDelayMs > 0 ? 'delay-expired' : 'queue-empty', true);
}

import { describe, expect, it } from 'vitest';
import * as scheduler from '@inferox/engine/scheduler';

describe('scheduler index', () => {
  it('exports the scheduler API when imported through the @inferox/engine/scheduler subpath', () => {
    expect(Object.keys(scheduler).sort()).toEqual(['ALONE_REASONS', 'PRIORITIES', 'createAdmissionPool', 'createScheduler', 'priorityRank']);
    expect(scheduler.ALONE_REASONS).toEqual(['queue-empty', 'shape-mismatch', 'delay-expired', 'batching-off', 'no-capacity']);
    expect(scheduler.PRIORITIES.map(scheduler.priorityRank)).toEqual([0, 1, 2, 3]);
  });
});

import { describe, expect, it } from 'vitest';
import { benchProfile } from './bench-profile';

describe('benchProfile', () => {
  const quick = benchProfile(true);
  const full = benchProfile(false);

  it('keeps every comparison of the issue when quick, with fewer rounds or smaller sizes', () => {
    expect(quick.quick).toBe(true);
    expect(quick.throughput.concurrency).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(quick.tfjs.batchSizes).toEqual([1, 4, 8, 16, 32]);
    expect(quick.overhead.models).toEqual(expect.arrayContaining(['tiny', 'base-width']));
    expect(quick.overhead.seq).toBe(128);
    expect(quick.stress.requests).toBe(10_000);
    expect(quick.transformers.clients).toBe(16);
    expect(quick.overhead.budgetMs).toBeLessThan(full.overhead.budgetMs);
    expect(quick.throughput.rounds).toBeLessThanOrEqual(full.throughput.rounds);
    expect(quick.memory.cycles).toBeLessThanOrEqual(full.memory.cycles);
    expect(quick.hub.bytes).toBeLessThan(full.hub.bytes);
  });

  it('uses the sizes of the issue when full: every model, 50 cycles, a 1 GiB download, batch 1 sequence 128', () => {
    expect(full.overhead.models).toEqual(['tiny', 'small', 'base-width']);
    expect(full.memory).toMatchObject({ cycles: 50, models: ['tiny', 'small', 'base-width'] });
    expect(full.hub.bytes).toBe(2 ** 30);
    expect(full.throughput.concurrency).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(full.stress.requests).toBe(10_000);
  });
});

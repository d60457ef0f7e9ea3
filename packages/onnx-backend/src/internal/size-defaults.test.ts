import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ONE_THREAD_BELOW_BYTES, defaultIntraOpThreads, defaultRunsInFlight } from './size-defaults';

describe('defaultIntraOpThreads', () => {
  it('gives a model under 16 MiB one thread and larger ones a thread per logical CPU', () => {
    expect([0, ONE_THREAD_BELOW_BYTES - 1, ONE_THREAD_BELOW_BYTES, 400 * 2 ** 20].map((bytes) => defaultIntraOpThreads(bytes, 6))).toEqual([1, 1, 6, 6]);
  });

  it('counts the logical CPUs this process may run on when not told', () => {
    expect(defaultIntraOpThreads(ONE_THREAD_BELOW_BYTES, undefined)).toBe(availableParallelism());
  });
});

describe('defaultRunsInFlight', () => {
  it('gives a model under 16 MiB 16 runs in flight and larger ones one', () => {
    expect([0, ONE_THREAD_BELOW_BYTES - 1, ONE_THREAD_BELOW_BYTES, 400 * 2 ** 20].map((bytes) => defaultRunsInFlight(bytes))).toEqual([16, 16, 1, 1]);
  });
});

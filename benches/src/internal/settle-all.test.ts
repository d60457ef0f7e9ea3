import { describe, expect, it } from 'vitest';
import { settleAll } from './settle-all';

describe('settleAll', () => {
  it('starts every request before any settles and counts fulfilled and rejected ones', async () => {
    const started: number[] = [];
    let settledBeforeAllStarted = false;
    let done = 0;
    const out = await settleAll(
      6,
      async (i) => {
        started.push(i);
        await Promise.resolve();
        if (started.length < 6) settledBeforeAllStarted = true;
        done++;
        if (i % 3 === 0) throw new Error('queue full');
      },
      10_000,
    );
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(settledBeforeAllStarted).toBe(false);
    expect(done).toBe(6);
    expect(out).toMatchObject({ sent: 6, fulfilled: 4, rejected: 2, lost: 0, errors: { 'queue full': 2 } });
    expect(out.latencies).toHaveLength(6);
  });

  it('counts requests that never settle as lost when the deadline passes', async () => {
    const out = await settleAll(3, (i) => (i === 1 ? new Promise(() => undefined) : Promise.resolve()), 20);
    expect(out).toMatchObject({ fulfilled: 2, rejected: 0, lost: 1 });
  });

  it('counts a request that throws synchronously as rejected', async () => {
    const out = await settleAll(
      2,
      (i) => {
        if (i === 0) throw new Error('sync');
        return Promise.resolve();
      },
      1000,
    );
    expect(out).toMatchObject({ fulfilled: 1, rejected: 1, lost: 0, errors: { sync: 1 } });
  });
});

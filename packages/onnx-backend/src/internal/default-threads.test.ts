import { describe, expect, it } from 'vitest';
import { defaultIntraOpThreads } from './default-threads';

describe('defaultIntraOpThreads', () => {
  it('leaves the event loop a core: half the cores, at least one', () => {
    expect([1, 2, 3, 4, 16].map((cores) => defaultIntraOpThreads(cores))).toEqual([1, 1, 1, 2, 8]);
  });
});

import { describe, expect, it } from 'vitest';
import { withEngineLock } from './engine-lock';

describe('withEngineLock', () => {
  it('runs holders one at a time in arrival order, also after one rejects', async () => {
    const events: string[] = [];
    const hold = (name: string, fail = false) =>
      withEngineLock(async () => {
        events.push(`${name} start`);
        await new Promise((resolve) => setImmediate(resolve));
        events.push(`${name} end`);
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const results = await Promise.allSettled([hold('a'), hold('b', true), hold('c')]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['a', 'b failed', 'c']);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });
});

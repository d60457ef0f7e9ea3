import { describe, expect, it } from 'vitest';
import { runSummary } from './run-summary';

describe('runSummary', () => {
  it('records the quick pass against its 3-minute budget, with the CPU time and load as the reason a busy machine misses it', () => {
    const r = runSummary({ quick: true, wallMs: 200_040, cpuMs: 95_000, loadAverage: [20.04, 18, 12.5], cores: 2 });
    expect(r.goals).toEqual([
      {
        name: '`npm run bench -- --quick` wall time',
        target: '≤ 180 s',
        measured: '200 s',
        limit: '95 s of CPU in the bench processes; load average 20.0, 18.0, 12.5 on 2 cores (above the core count, other work stretched the wall time)',
        met: false,
      },
    ]);
    expect(r.tables[0]!.rows).toEqual([['200', '95', '20.0, 18.0, 12.5', 2]]);
    expect(runSummary({ quick: true, wallMs: 179_900, cpuMs: 1, loadAverage: [0, 0, 0], cores: 2 }).goals![0]!.met).toBe(true);
  });

  it('sets no goal for a full run', () => {
    expect(runSummary({ quick: false, wallMs: 900_000, cpuMs: 800_000, loadAverage: [1, 1, 1], cores: 2 }).goals).toBeUndefined();
  });
});

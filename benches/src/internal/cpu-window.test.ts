import { describe, expect, it } from 'vitest';
import { cpuWindow } from './cpu-window';

describe('cpuWindow', () => {
  it('reports items per wall second and per CPU second of the window when given a clocked measurement', async () => {
    const usage = [
      { user: 1000, system: 500 },
      { user: 40_000, system: 10_000 },
    ];
    const calls: (NodeJS.CpuUsage | undefined)[] = [];
    const r = await cpuWindow(
      async () => ({ items: 100, wallMs: 200 }),
      (previous) => {
        calls.push(previous);
        return usage[calls.length - 1]!;
      },
    );
    // 100 items in 200 ms of wall time and 50 ms of CPU time (40 + 10 ms since the start).
    expect(r).toEqual({ rps: 500, perCpuSecond: 2000 });
    expect(calls).toEqual([undefined, { user: 1000, system: 500 }]);
  });

  it('gives NaN per CPU second when no CPU time was seen', async () => {
    const r = await cpuWindow(async () => ({ items: 1, wallMs: 1 }), () => ({ user: 0, system: 0 }));
    expect(r.perCpuSecond).toBeNaN();
  });
});

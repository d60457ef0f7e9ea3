import { checkGoal } from './goal';
import type { ScenarioResult } from './report';
import { fmt } from './stats';

/** What `--quick` must finish in (issue 19: the quick pass stays a quick check). */
export const QUICK_BUDGET_S = 180;

/**
 * The run itself as a result: its wall and CPU time, and for a quick pass the goal that it finishes within
 * {@link QUICK_BUDGET_S}, with the load average beside it (a loaded machine stretches the wall time, not the CPU time).
 */
export function runSummary(options: { readonly quick: boolean; readonly wallMs: number; readonly cpuMs: number; readonly loadAverage: readonly number[]; readonly cores: number }): ScenarioResult {
  const wallS = options.wallMs / 1000;
  const cpuS = options.cpuMs / 1000;
  const load = options.loadAverage.map((v) => v.toFixed(1)).join(', ');
  return {
    id: 'run',
    title: 'The run',
    tables: [{ headers: ['wall time (s)', 'CPU time of the bench processes (s)', 'load average at the end (1, 5, 15 min)', 'cores'], rows: [[fmt(wallS), fmt(cpuS), load, options.cores]] }],
    ...(options.quick
      ? { goals: [checkGoal('`npm run bench -- --quick` wall time', Number(wallS.toFixed(1)), { atMost: QUICK_BUDGET_S }, ' s', `${fmt(cpuS)} s of CPU in the bench processes; load average ${load} on ${options.cores} cores (above the core count, other work stretched the wall time)`)] }
      : {}),
    notes: ["CPU time is the bench's own processes' (process.cpuUsage, all their threads): the main one and each scenario's; the processes scenarios start themselves (5, 6, 8, 9) and redis-server are not in it."],
    raw: { ...options },
  };
}

import { benchProfile } from './bench-profile';
import { RESULT_MARKER } from './internal/child-task';
import { createBenchContext } from './internal/create-bench-context';
import type { ScenarioTask } from './internal/run-scenario-child';
import { selectScenarios } from './scenario-registry';

// Entry of the fresh process that runs one scenario (see internal/run-scenario-child.ts): it prints the scenario's
// result and this process's CPU time after RESULT_MARKER, then exits, leaving nothing of the scenario to the next.
const task = JSON.parse(process.argv[2] ?? 'null') as ScenarioTask;
const [scenario] = selectScenarios([task.id]);
const context = createBenchContext({ profile: benchProfile(task.quick), threads: task.threads, workDir: task.workDir });
const result = await scenario!.run(context);
const cpu = process.cpuUsage();
process.stdout.write(`${RESULT_MARKER}${JSON.stringify({ result, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
process.exit(0);

import { writeFileSync } from 'node:fs';
import { benchProfile } from './bench-profile';
import { createBenchContext } from './internal/create-bench-context';
import type { ScenarioTask } from './internal/run-scenario-child';
import { SCENARIOS, selectScenarios } from './scenario-registry';

// Entry of the fresh process that runs one scenario (see internal/run-scenario-child.ts): it writes the scenario's
// result and this process's CPU time to the task's result file, then exits, leaving nothing of the scenario to the
// next. A file, not stdout: a pipe's write is asynchronous, and exiting cut a large result short.
const task = JSON.parse(process.argv[2] ?? 'null') as ScenarioTask;
const [entry] = selectScenarios([task.id], SCENARIOS);
const scenario = await entry!.load();
const context = createBenchContext({ profile: benchProfile(task.quick), threads: task.threads, workDir: task.workDir, ...(task.modelDir ? { modelDir: task.modelDir } : {}) });
const result = await scenario.run(context);
const cpu = process.cpuUsage();
writeFileSync(task.resultFile, JSON.stringify({ result, cpuMs: (cpu.user + cpu.system) / 1000 }));
process.exit(0);

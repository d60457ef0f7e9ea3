import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { USAGE, parseBenchArgs } from './cli-args';
import { modelCacheDir } from './internal/model-cache';
import { runScenarioChild } from './internal/run-scenario-child';
import { type ScenarioResult, writeReport } from './report';
import { runSummary } from './run-summary';
import { SCENARIOS, selectScenarios } from './scenario-registry';

// `npm run bench -- [--quick] [--only 1,3] ...`: runs the scenarios one after the other, each in its own process,
// and writes the report.
const root = resolve(import.meta.dirname, '../..');
let args;
try {
  args = parseBenchArgs(process.argv.slice(2), { outDir: join(root, 'benches/results') });
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const scenarios = selectScenarios(args.only, SCENARIOS);
const workDir = await mkdtemp(join(tmpdir(), 'inferox-bench-'));
// Generated models outlive the run, keyed by the code that makes them (the generator and the builds it and the
// exporter use).
const modelDir = await modelCacheDir(join(root, 'node_modules/.cache/inferox-bench'), [
  join(root, 'tools/src/generate-bert-checkpoint.ts'),
  ...['core', 'hf-checkpoint', 'onnx-backend'].map((name) => join(root, 'packages', name, 'dist/index.js')),
]);
const results: ScenarioResult[] = [];
const started = performance.now();
const loadAverageAtStart = loadavg();
const cpuAtStart = process.cpuUsage();
let childCpuMs = 0;
try {
  for (const scenario of scenarios) {
    const t0 = performance.now();
    console.error(`[${results.length + 1}/${scenarios.length}] ${scenario.title}`);
    try {
      // Each scenario in a fresh process: what one leaves behind (heap, JIT state, runtimes' thread pools) made the
      // next slower by up to 8% in the same run (issue 19's batching goal, after the tfjs and transformers.js ones).
      const outcome = await runScenarioChild({ id: scenario.id, quick: args.quick, threads: args.threads, workDir, modelDir });
      childCpuMs += outcome.cpuMs;
      results.push(outcome.result);
    } catch (error) {
      console.error(`  failed: ${(error as Error)?.stack ?? String(error)}`);
      results.push({ id: scenario.id, title: scenario.title, tables: [], notes: [`**The scenario failed:** ${(error as Error)?.message ?? String(error)}`], raw: { error: String(error) } });
    }
    console.error(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}
const cpu = process.cpuUsage(cpuAtStart);
results.push(runSummary({ quick: args.quick, wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 + childCpuMs, loadAverage: loadavg(), cores: availableParallelism() }));
const written = await writeReport(args.outDir, results, { quick: args.quick, loadAverageAtStart, ...(args.updateReadme ? { readme: join(root, 'README.md') } : {}) });
console.error(`all done in ${((performance.now() - started) / 1000).toFixed(1)} s; wrote:\n${written.map((p) => `  ${p}`).join('\n')}`);

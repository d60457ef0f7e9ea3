// `npm run mutation -- <project> [stryker options]`: runs StrykerJS on packages/<project> with the shared config
// (tools/mutation/mutation-config.mjs), then writes reports/mutation/<project>.md from its JSON report.
// Example: npm run mutation -- engine --mutate 'src/scheduler/**/*.ts'. Slow: run it under `nice -n 10`.
// `npm run mutation -- <project> --report-only` rewrites the .md from the last run (after editing the equivalents).
// `--vitest-config <file>` (relative to the package) runs the tests of that vitest config instead of vitest.config.ts,
// e.g. a tracked config limited to the tests that reach the mutated files; the report's command line names it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, REPORT_DIR, mutationConfig, projectPaths } from './mutation-config.mjs';
import { writeReport } from './write-report.mjs';

const CONFIG_FILE = fileURLToPath(new URL('./stryker.config.mjs', import.meta.url));
const STRYKER_BIN = join(ROOT, 'node_modules/@stryker-mutator/core/bin/stryker.js');

/**
 * `{ project, args, strykerArgs, mutate, vitestConfig }` from the command line: `args` all options after the project,
 * `strykerArgs` those meant for Stryker (all but `--vitest-config <file>`), `mutate` the `--mutate`/`-m` value and
 * `vitestConfig` the `--vitest-config` value, if given.
 */
export function parseArgs(argv) {
  const [project, ...args] = argv;
  if (!project || project.startsWith('-')) throw new Error('usage: npm run mutation -- <project> [stryker options], e.g. npm run mutation -- core --mutate "src/dtype.ts"');
  const configAt = args.indexOf('--vitest-config');
  const vitestConfig = configAt >= 0 ? args[configAt + 1] : undefined;
  if (configAt >= 0 && (vitestConfig === undefined || vitestConfig.startsWith('-'))) throw new Error('mutation: --vitest-config needs a file, e.g. --vitest-config vitest.mutation.config.ts');
  const strykerArgs = configAt >= 0 ? args.filter((_, i) => i !== configAt && i !== configAt + 1) : args;
  const at = strykerArgs.findIndex((a) => a === '--mutate' || a === '-m');
  const inline = strykerArgs.find((a) => a.startsWith('--mutate='));
  const value = at >= 0 ? strykerArgs[at + 1] : inline?.slice('--mutate='.length);
  return { project, args, strykerArgs, mutate: value === undefined ? undefined : value.split(','), vitestConfig };
}

/** The commit at HEAD and the uncommitted paths under `dir` (empty when it is clean). */
export function gitState(dir) {
  const git = (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  const dirty = git('status', '--porcelain', '--untracked-files=all', '--', '.');
  return { commit: git('rev-parse', 'HEAD'), dirtyFiles: dirty === '' ? [] : dirty.split('\n').map((line) => line.slice(3)) };
}

/**
 * `report` (Stryker's incremental file) without its static mutants that no test detected. Stryker reuses a survivor
 * unless a test covering it was added, and a static mutant (module-level code, run by every test) has no per-test
 * coverage, so a new test never counts as covering it: without this, such a mutant stays "survived" after the test
 * that kills it lands. Forgotten, it is run again (against every test) on the next run.
 */
export function forgetStaticSurvivors(report) {
  const files = Object.fromEntries(
    Object.entries(report.files).map(([file, data]) => [file, { ...data, mutants: data.mutants.filter((m) => !(m.static && (m.status === 'Survived' || m.status === 'NoCoverage'))) }]),
  );
  return { ...report, files };
}

export function main(argv = process.argv.slice(2)) {
  const reportOnly = argv.includes('--report-only');
  const { project, args, strykerArgs, mutate, vitestConfig } = parseArgs(argv.filter((a) => a !== '--report-only'));
  const paths = projectPaths(project);
  if (!existsSync(paths.packageDir)) throw new Error(`mutation: no package at ${relative(ROOT, paths.packageDir)}`);
  if (vitestConfig !== undefined && !existsSync(join(paths.packageDir, vitestConfig))) throw new Error(`mutation: no vitest config ${vitestConfig} in ${relative(ROOT, paths.packageDir)}`);
  mkdirSync(REPORT_DIR, { recursive: true });
  const runFile = paths.jsonReport.replace(/\.stryker\.json$/, '.run.json');
  if (reportOnly) {
    // After editing <project>.equivalent.json: the last run's report again, without running Stryker.
    const { score } = writeReport({ paths, run: JSON.parse(readFileSync(runFile, 'utf8')) });
    console.log(`mutation score ${score.toFixed(2)}%: ${relative(ROOT, paths.markdownReport)}`);
    return 0;
  }
  if (existsSync(paths.incrementalFile)) {
    writeFileSync(paths.incrementalFile, JSON.stringify(forgetStaticSurvivors(JSON.parse(readFileSync(paths.incrementalFile, 'utf8')))));
  }
  const state = gitState(paths.packageDir);
  const startedAt = new Date();
  const stryker = spawnSync(process.execPath, [STRYKER_BIN, 'run', CONFIG_FILE, ...strykerArgs], {
    cwd: paths.packageDir,
    stdio: 'inherit',
    env: { ...process.env, INFEROX_MUTATION_PROJECT: project, INFEROX_MUTATION_VITEST_CONFIG: vitestConfig ?? '' },
  });
  if (stryker.status !== 0) return stryker.status ?? 1;
  const run = {
    project,
    args,
    commit: state.commit,
    cleanPackage: state.dirtyFiles.length === 0,
    dirtyFiles: state.dirtyFiles,
    mutate: mutate ?? mutationConfig(project).mutate,
    startedAt: startedAt.toISOString().replace(/\.\d+Z$/, 'Z'),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
  };
  writeFileSync(runFile, `${JSON.stringify(run, null, 1)}\n`);
  const { score } = writeReport({ paths, run });
  console.log(`mutation score ${score.toFixed(2)}%: ${relative(ROOT, paths.markdownReport)}`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();

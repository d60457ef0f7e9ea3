// `npm run mutation -- <project> [stryker options]`: runs StrykerJS on packages/<project> with the shared config
// (tools/mutation/mutation-config.mjs), then writes reports/mutation/<project>.md from its JSON report.
// Example: npm run mutation -- engine --mutate 'src/scheduler/**/*.ts'. Slow: run it under `nice -n 10`.
// `npm run mutation -- <project> --report-only` rewrites the .md from the last run (after editing the equivalents).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, REPORT_DIR, mutationConfig, projectPaths } from './mutation-config.mjs';
import { writeReport } from './write-report.mjs';

const CONFIG_FILE = fileURLToPath(new URL('./stryker.config.mjs', import.meta.url));
const STRYKER_BIN = join(ROOT, 'node_modules/@stryker-mutator/core/bin/stryker.js');

/** `{ project, strykerArgs, mutate }` from the command line; `mutate` is the `--mutate`/`-m` value, if given. */
export function parseArgs(argv) {
  const [project, ...strykerArgs] = argv;
  if (!project || project.startsWith('-')) throw new Error('usage: npm run mutation -- <project> [stryker options], e.g. npm run mutation -- core --mutate "src/dtype.ts"');
  const at = strykerArgs.findIndex((a) => a === '--mutate' || a === '-m');
  const inline = strykerArgs.find((a) => a.startsWith('--mutate='));
  const value = at >= 0 ? strykerArgs[at + 1] : inline?.slice('--mutate='.length);
  return { project, strykerArgs, mutate: value === undefined ? undefined : value.split(',') };
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
  const { project, strykerArgs, mutate } = parseArgs(argv.filter((a) => a !== '--report-only'));
  const paths = projectPaths(project);
  if (!existsSync(paths.packageDir)) throw new Error(`mutation: no package at ${relative(ROOT, paths.packageDir)}`);
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
    env: { ...process.env, INFEROX_MUTATION_PROJECT: project },
  });
  if (stryker.status !== 0) return stryker.status ?? 1;
  const run = {
    project,
    args: strykerArgs,
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

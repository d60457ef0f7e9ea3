// Turns Stryker's JSON report of one project into reports/mutation/<project>.md: the commit the run was on, the score
// overall and per file, and every mutant that survived, each with its verdict. Verdicts come from two files beside the
// report: `<project>.equivalent.json` (hand-kept: `[{ file, line, column?, mutator, replacement?, reason }]`, a mutant that no
// test can tell from the original) and `<project>.first-survivors.json` (written by the runs: per file, the mutants
// that survived the first run that mutated it, so that the report can say which later test killed each, in which commit).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';

/** Statuses that count for the score, as Stryker counts them (errors and ignored mutants are left out). */
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** Mutation score in percent of detected over valid mutants, or NaN when none is valid. */
export function score(counts) {
  const detected = counts.killed + counts.timeout;
  const valid = detected + counts.survived + counts.noCoverage;
  return valid === 0 ? Number.NaN : (100 * detected) / valid;
}

/**
 * With `--ignoreStatic`, every static mutant counts as ignored. Stryker ignores only those no test covers, but a
 * test that imports a fresh copy of a module covers that module's static mutants, and Stryker then runs them
 * against that one test alone: their results say nothing about the suite.
 */
export function leaveOutStatic(mutants, run) {
  if (!(run.args ?? []).includes('--ignoreStatic')) return mutants;
  return mutants.map((x) => (x.mutant.static ? { ...x, mutant: { ...x.mutant, status: 'Ignored' } } : x));
}

/**
 * `report` with only the files the run's `--mutate` globs name. Stryker's incremental report also carries the earlier
 * results of every other file, unchecked against the current code: they do not belong to this run.
 */
export function scopedToRun(report, run) {
  const args = run.args ?? [];
  if (!args.some((a) => a === '--mutate' || a === '-m' || a.startsWith('--mutate='))) return report;
  const included = run.mutate.filter((g) => !g.startsWith('!'));
  const excluded = run.mutate.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const keep = (file) => included.some((g) => matchesGlob(file, g)) && !excluded.some((g) => matchesGlob(file, g));
  return { ...report, files: Object.fromEntries(Object.entries(report.files).filter(([file]) => keep(file))) };
}

/** Counts of each status in `mutants`. */
export function countStatuses(mutants) {
  const counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0, ignored: 0 };
  for (const m of mutants) {
    if (m.status === 'Killed') counts.killed += 1;
    else if (m.status === 'Timeout') counts.timeout += 1;
    else if (m.status === 'Survived') counts.survived += 1;
    else if (m.status === 'NoCoverage') counts.noCoverage += 1;
    else if (m.status === 'Ignored') counts.ignored += 1;
    else counts.errors += 1;
  }
  return counts;
}

/** The identity of a mutant across runs: file, span (nested expressions share their start), mutator and replacement. */
export function mutantKey(file, mutant) {
  const { start, end } = mutant.location;
  return `${file}:${start.line}:${start.column}-${end.line}:${end.column}:${mutant.mutatorName}:${mutant.replacement ?? ''}`;
}

/** The entry of `equivalents` that explains `mutant` in `file`, if any (column and replacement are optional in an entry). */
export function findEquivalent(equivalents, file, mutant) {
  return equivalents.find(
    (e) =>
      e.file === file &&
      e.line === mutant.location.start.line &&
      e.mutator === mutant.mutatorName &&
      (e.column === undefined || e.column === mutant.location.start.column) &&
      (e.replacement === undefined || e.replacement === mutant.replacement),
  );
}

/** The flat list `{ file, mutant }` of every mutant in a Stryker JSON report, files in name order. */
export function mutantsOf(report) {
  return Object.keys(report.files)
    .sort()
    .flatMap((file) => report.files[file].mutants.map((mutant) => ({ file, mutant })))
    .sort((a, b) => a.file.localeCompare(b.file) || a.mutant.location.start.line - b.mutant.location.start.line || a.mutant.location.start.column - b.mutant.location.start.column);
}

/** Test id -> `{ file, name }` for the tests of a Stryker JSON report. */
export function testIndex(report) {
  const index = new Map();
  for (const [file, { tests }] of Object.entries(report.testFiles ?? {})) for (const t of tests) index.set(t.id, { file, name: t.name });
  return index;
}

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (text) => {
  const flat = cell(text);
  const short = flat.length > 100 ? `${flat.slice(0, 97)}...` : flat;
  return `\`${short.replace(/`/g, "'")}\``;
};
const pct = (value) => (Number.isNaN(value) ? 'n/a' : `${value.toFixed(2)}%`);

/**
 * The Markdown report.
 * @param input.report Stryker's JSON report.
 * @param input.run `{ project, args, commit, cleanPackage, dirtyFiles, mutate, startedAt, seconds }` (args: given to Stryker).
 * @param input.equivalents entries of `<project>.equivalent.json`.
 * @param input.firstSurvivors keys (mutantKey) of the mutants that survived the first run of their file, or `undefined`.
 * @param input.commitOfTest `(testFile, testName) => string | undefined`: the commit that added a test.
 */
export function renderReport({ report: fullReport, run, equivalents, firstSurvivors, commitOfTest }) {
  const report = scopedToRun(fullReport, run);
  const all = leaveOutStatic(mutantsOf(report), run);
  const totals = countStatuses(all.map((x) => x.mutant));
  const tests = testIndex(report);
  const lines = [];
  lines.push(`# Mutation testing: @inferox/${run.project}`, '');
  lines.push(`Written by \`npm run mutation -- ${run.project}\` (tools/mutation); do not edit by hand, edit \`${run.project}.equivalent.json\` and re-run.`, '');
  lines.push(`- Commit: \`${run.commit}\`, ${run.cleanPackage ? `packages/${run.project} clean (no uncommitted change)` : `packages/${run.project} had uncommitted changes: ${run.dirtyFiles.join(', ')}`}`);
  lines.push(`- Started ${run.startedAt}, took ${Math.round(run.seconds)} s; StrykerJS ${report.framework?.version ?? '?'}, vitest runner, perTest coverage, incremental`);
  lines.push(`- Command: \`npm run mutation -- ${[run.project, ...(run.args ?? [])].join(' ')}\`${(run.args ?? []).includes('--ignoreStatic') ? ' (static mutants, which run every test, were left out: they are counted as ignored)' : ''}`);
  lines.push(`- Mutated: ${run.mutate.map((g) => `\`${g}\``).join(', ')}`, '');
  lines.push(`**Mutation score: ${pct(score(totals))}** — ${totals.killed} killed, ${totals.timeout} timeout, ${totals.survived} survived, ${totals.noCoverage} no coverage (${totals.errors} compile/runtime errors and ${totals.ignored} ignored are not counted).`, '');
  lines.push('## Per file', '', '| File | Score | Killed | Survived | No coverage | Timeout | Errors |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const file of Object.keys(report.files).sort()) {
    const c = countStatuses(all.filter((x) => x.file === file).map((x) => x.mutant));
    lines.push(`| ${file} | ${pct(score(c))} | ${c.killed} | ${c.survived} | ${c.noCoverage} | ${c.timeout} | ${c.errors} |`);
  }
  const survivors = all.filter((x) => UNDETECTED.has(x.mutant.status));
  const open = survivors.filter((x) => !findEquivalent(equivalents, x.file, x.mutant));
  lines.push('', `## Surviving mutants (${survivors.length}: ${survivors.length - open.length} equivalent, ${open.length} open)`, '');
  if (survivors.length === 0) lines.push('None.');
  else {
    lines.push('| Location | Mutator | Replacement | Verdict |', '| --- | --- | --- | --- |');
    for (const { file, mutant } of survivors) {
      const eq = findEquivalent(equivalents, file, mutant);
      const verdict = eq ? `equivalent: ${cell(eq.reason)}` : `**open** (${mutant.status === 'NoCoverage' ? 'no test runs it' : 'no test fails'})`;
      lines.push(`| ${file}:${mutant.location.start.line} | ${mutant.mutatorName} | ${code(mutant.replacement ?? '')} | ${verdict} |`);
    }
  }
  if (firstSurvivors) {
    const killed = all.filter((x) => DETECTED.has(x.mutant.status) && firstSurvivors.has(mutantKey(x.file, x.mutant)));
    lines.push('', `## Survivors of the first run killed since (${killed.length})`, '');
    if (killed.length === 0) lines.push('None yet.');
    else {
      lines.push('| Location | Mutator | Replacement | Killed by |', '| --- | --- | --- | --- |');
      for (const { file, mutant } of killed) {
        const test = tests.get((mutant.killedBy ?? [])[0]);
        const by = test ? `killed by "${cell(test.name)}" (${test.file}) in ${commitOfTest(test.file, test.name) ?? 'an uncommitted change'}` : mutant.status === 'Timeout' ? 'timeout (the mutant loops)' : 'killed';
        lines.push(`| ${file}:${mutant.location.start.line} | ${mutant.mutatorName} | ${code(mutant.replacement ?? '')} | ${by} |`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The longest tail of `testName` (whole words, at least two) found in `source`: the `it(...)` title, in practice. */
export function titleIn(source, testName) {
  const words = testName.split(' ');
  for (let k = words.length; k >= 2; k -= 1) {
    const tail = words.slice(-k).join(' ');
    if (source.includes(tail)) return tail;
  }
  return undefined;
}

/** The short hash of the oldest commit that added the test `testName` to `testFile` (relative to `packageDir`). */
export function gitCommitOfTest(packageDir, testFile, testName) {
  try {
    const title = titleIn(readFileSync(join(packageDir, testFile), 'utf8'), testName);
    if (!title) return undefined;
    const out = execFileSync('git', ['log', '--format=%h', '--reverse', `-S${title}`, '--', testFile], { cwd: packageDir, encoding: 'utf8' }).trim();
    return out.split('\n')[0] || undefined;
  } catch {
    return undefined;
  }
}

/**
 * `firstSurvivors` (file -> keys of the mutants that survived the first run that mutated it) with the survivors of
 * `report` added for each file no earlier run mutated.
 */
export function addFirstSurvivors(firstSurvivors, report) {
  const merged = { ...firstSurvivors };
  for (const { file, mutant } of mutantsOf(report)) {
    if (file in firstSurvivors) continue;
    merged[file] ??= [];
    if (UNDETECTED.has(mutant.status)) merged[file].push(mutantKey(file, mutant));
  }
  return merged;
}

/** Reads the run's files, writes the Markdown report (and the first run's survivors when there are none yet). */
export function writeReport({ paths, run }) {
  const report = JSON.parse(readFileSync(paths.jsonReport, 'utf8'));
  const equivalents = existsSync(paths.equivalentsFile) ? JSON.parse(readFileSync(paths.equivalentsFile, 'utf8')) : [];
  const before = existsSync(paths.firstSurvivorsFile) ? JSON.parse(readFileSync(paths.firstSurvivorsFile, 'utf8')) : {};
  const first = addFirstSurvivors(before, report);
  writeFileSync(paths.firstSurvivorsFile, `${JSON.stringify(first, null, 1)}\n`);
  const firstSurvivors = new Set(Object.values(first).flat());
  const markdown = renderReport({ report, run, equivalents, firstSurvivors, commitOfTest: (file, name) => gitCommitOfTest(paths.packageDir, file, name) });
  writeFileSync(paths.markdownReport, markdown);
  return { markdown, score: score(countStatuses(leaveOutStatic(mutantsOf(scopedToRun(report, run)), run).map((x) => x.mutant))) };
}

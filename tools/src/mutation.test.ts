import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { findReExportOnlyIndexes, isReExportOnly, mutationConfig, projectPaths } from '../mutation/mutation-config.mjs';
// @ts-expect-error: a plain .mjs script without type declarations
import { forgetStaticSurvivors, parseArgs } from '../mutation/run.mjs';
// @ts-expect-error: a plain .mjs script without type declarations
import { addFirstSurvivors, countStatuses, findEquivalent, mutantKey, renderReport, score, titleIn, writeReport } from '../mutation/write-report.mjs';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mutation-'));
  dirs.push(dir);
  return dir;
}

type Status = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'Ignored';
const mutant = (id: string, line: number, status: Status, extra: Record<string, unknown> = {}) => ({
  id,
  mutatorName: 'EqualityOperator',
  replacement: `a >= ${line}`,
  status,
  location: { start: { line, column: 3 }, end: { line, column: 9 } },
  ...extra,
});
// A Stryker JSON report of two files: a.ts 2 killed + 1 survived + 1 no coverage, b.ts 1 timeout + 1 compile error.
const strykerReport = {
  framework: { version: '9.6.1' },
  files: {
    'src/b.ts': { mutants: [mutant('5', 4, 'Timeout'), mutant('6', 5, 'CompileError')] },
    'src/a.ts': {
      mutants: [mutant('1', 10, 'Killed', { killedBy: ['t1'] }), mutant('2', 2, 'Survived'), mutant('3', 7, 'NoCoverage'), mutant('4', 12, 'Killed', { killedBy: ['t2'] })],
    },
  },
  testFiles: { 'src/a.test.ts': { tests: [{ id: 't1', name: 'A compares when equal' }, { id: 't2', name: 'A rejects above the limit' }] } },
};
const run = { project: 'core', args: [], commit: 'abc123', cleanPackage: true, dirtyFiles: [], mutate: ['src/**/*.ts'], startedAt: '2026-12-03T09:00:00Z', seconds: 61.4 };

describe('mutation config', () => {
  it('scopes a run to one package, its sandbox two levels below the root and its files under reports/mutation', () => {
    const paths = projectPaths('hf-checkpoint', '/repo');
    expect(paths).toEqual({
      packageDir: '/repo/packages/hf-checkpoint',
      tempDir: '/repo/.stryker-tmp-hf-checkpoint',
      jsonReport: '/repo/reports/mutation/hf-checkpoint.stryker.json',
      incrementalFile: '/repo/reports/mutation/hf-checkpoint.incremental.json',
      markdownReport: '/repo/reports/mutation/hf-checkpoint.md',
      equivalentsFile: '/repo/reports/mutation/hf-checkpoint.equivalent.json',
      firstSurvivorsFile: '/repo/reports/mutation/hf-checkpoint.first-survivors.json',
    });
  });

  it('rejects a project name that is not a plain folder name', () => {
    expect(() => projectPaths('../core')).toThrow('expected a project folder name under packages/ (e.g. core), got "../core"');
    expect(() => projectPaths('')).toThrow('got ""');
  });

  it('mutates sources but not tests, type tests, fixtures or the re-export-only index files it is given', () => {
    const config = mutationConfig('core', '/repo', ['src/index.ts']);
    expect(config.mutate).toEqual(['src/**/*.ts', '!src/**/*.test.ts', '!src/**/*.test-d.ts', '!src/**/*.fixture.ts', '!src/**/*.fixture.mjs', '!src/**/*.d.ts', '!src/index.ts']);
    expect(config).toMatchObject({ testRunner: 'vitest', coverageAnalysis: 'perTest', concurrency: 2, incremental: true, reporters: ['json', 'clear-text', 'progress'] });
    expect(config.incrementalFile).toBe('/repo/reports/mutation/core.incremental.json');
  });

  it("runs the package's vitest.config.ts unless another vitest config is named", () => {
    expect(mutationConfig('core', '/repo', []).vitest).toEqual({ configFile: 'vitest.config.ts', related: true });
    expect(mutationConfig('engine', '/repo', [], 'vitest.mutation.config.ts').vitest).toEqual({ configFile: 'vitest.mutation.config.ts', related: true });
  });

  it('tells an index that only re-exports from one with code', () => {
    expect(isReExportOnly("/**\n * @packageDocumentation\n */\nexport { a, b } from './a';\nexport type { C } from './c';\nexport {\n  d,\n  e,\n} from './d';\nexport * from './f';\n")).toBe(true);
    expect(isReExportOnly("export { a } from './a';\nexport const b = 1;\n")).toBe(false);
    expect(isReExportOnly("import { x } from './x';\nexport function f() {\n  return x;\n}\n")).toBe(false);
  });

  it('finds the re-export-only index files of a package, nested ones included', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'src', 'v2'), { recursive: true });
    writeFileSync(join(dir, 'src', 'index.ts'), "export { a } from './a';\n");
    writeFileSync(join(dir, 'src', 'v2', 'index.ts'), "export * from './b';\n");
    mkdirSync(join(dir, 'src', 'cli'));
    writeFileSync(join(dir, 'src', 'cli', 'index.ts'), 'export const run = () => 1;\n');
    expect(findReExportOnlyIndexes(dir)).toEqual(['src/index.ts', 'src/v2/index.ts']);
  });
});

describe('mutation run arguments', () => {
  it('takes the project first and hands the rest to Stryker, noting the mutate glob', () => {
    expect(parseArgs(['engine', '--mutate', 'src/scheduler/**/*.ts,src/a.ts', '--logLevel', 'debug'])).toEqual({
      project: 'engine',
      args: ['--mutate', 'src/scheduler/**/*.ts,src/a.ts', '--logLevel', 'debug'],
      strykerArgs: ['--mutate', 'src/scheduler/**/*.ts,src/a.ts', '--logLevel', 'debug'],
      mutate: ['src/scheduler/**/*.ts', 'src/a.ts'],
      vitestConfig: undefined,
    });
    expect(parseArgs(['core', '--mutate=src/dtype.ts']).mutate).toEqual(['src/dtype.ts']);
    expect(parseArgs(['core']).mutate).toBeUndefined();
  });

  it('forgets the static mutants no test detected, so that the next run tries them against new tests', () => {
    const report = {
      schemaVersion: '1',
      files: {
        'src/a.ts': {
          source: 'x',
          mutants: [mutant('1', 1, 'Survived', { static: true }), mutant('2', 2, 'NoCoverage', { static: true }), mutant('3', 3, 'Killed', { static: true }), mutant('4', 4, 'Survived', { static: false })],
        },
      },
    };
    expect(forgetStaticSurvivors(report)).toEqual({ schemaVersion: '1', files: { 'src/a.ts': { source: 'x', mutants: [report.files['src/a.ts'].mutants[2], report.files['src/a.ts'].mutants[3]] } } });
  });

  it('takes --vitest-config out of the options for Stryker and keeps it in those the report names', () => {
    expect(parseArgs(['engine', '--mutate', 'src/a.ts', '--vitest-config', 'vitest.mutation.config.ts', '--ignoreStatic'])).toEqual({
      project: 'engine',
      args: ['--mutate', 'src/a.ts', '--vitest-config', 'vitest.mutation.config.ts', '--ignoreStatic'],
      strykerArgs: ['--mutate', 'src/a.ts', '--ignoreStatic'],
      mutate: ['src/a.ts'],
      vitestConfig: 'vitest.mutation.config.ts',
    });
    expect(() => parseArgs(['engine', '--vitest-config'])).toThrow('--vitest-config needs a file');
    expect(() => parseArgs(['engine', '--vitest-config', '--ignoreStatic'])).toThrow('--vitest-config needs a file');
  });

  it('fails with the usage when no project comes first', () => {
    expect(() => parseArgs([])).toThrow('usage: npm run mutation -- <project>');
    expect(() => parseArgs(['--mutate', 'x'])).toThrow('usage: npm run mutation -- <project>');
  });
});

describe('mutation report', () => {
  it('scores detected over valid mutants, leaving errors and ignored ones out', () => {
    const counts = countStatuses(Object.values(strykerReport.files).flatMap((f) => f.mutants));
    expect(counts).toEqual({ killed: 2, timeout: 1, survived: 1, noCoverage: 1, errors: 1, ignored: 0 });
    expect(score(counts)).toBe(60);
    expect(score(countStatuses([]))).toBeNaN();
  });

  it('matches an equivalent by file, line and mutator, and by replacement when the entry names one', () => {
    const m = mutant('2', 2, 'Survived');
    expect(findEquivalent([{ file: 'src/a.ts', line: 2, mutator: 'EqualityOperator', reason: 'r' }], 'src/a.ts', m)).toEqual({ file: 'src/a.ts', line: 2, mutator: 'EqualityOperator', reason: 'r' });
    expect(findEquivalent([{ file: 'src/a.ts', line: 2, mutator: 'EqualityOperator', replacement: 'other', reason: 'r' }], 'src/a.ts', m)).toBeUndefined();
    expect(findEquivalent([{ file: 'src/a.ts', line: 2, column: 3, mutator: 'EqualityOperator', reason: 'r' }], 'src/a.ts', m)).toBeDefined();
    expect(findEquivalent([{ file: 'src/a.ts', line: 2, column: 4, mutator: 'EqualityOperator', reason: 'r' }], 'src/a.ts', m)).toBeUndefined();
    expect(findEquivalent([{ file: 'src/a.ts', line: 3, mutator: 'EqualityOperator', reason: 'r' }], 'src/a.ts', m)).toBeUndefined();
    expect(findEquivalent([{ file: 'src/b.ts', line: 2, mutator: 'EqualityOperator', reason: 'r' }], 'src/a.ts', m)).toBeUndefined();
  });

  it('records the survivors of a file only on the first run that mutates it', () => {
    const first = addFirstSurvivors({}, strykerReport);
    expect(first).toEqual({ 'src/a.ts': ['src/a.ts:2:3-2:9:EqualityOperator:a >= 2', 'src/a.ts:7:3-7:9:EqualityOperator:a >= 7'], 'src/b.ts': [] });
    const later = { ...strykerReport, files: { ...strykerReport.files, 'src/a.ts': { mutants: [mutant('9', 30, 'Survived')] } } };
    expect(addFirstSurvivors(first, later)).toEqual(first);
  });

  it('tells apart mutants of nested expressions that start at the same place', () => {
    const outer = mutant('1', 3, 'Survived', { replacement: 'false' });
    const inner = { ...outer, location: { start: { line: 3, column: 3 }, end: { line: 3, column: 5 } } };
    expect(mutantKey('src/a.ts', outer)).not.toBe(mutantKey('src/a.ts', inner));
  });

  it('finds the it() title of a test in its file from the full name vitest gives', () => {
    expect(titleIn("describe('A', () => {\n  it('compares when equal', () => {", 'A compares when equal')).toBe('compares when equal');
    expect(titleIn('nothing here', 'A compares when equal')).toBeUndefined();
  });

  it('writes the commit, the scores, each survivor with its verdict and the first-run survivors killed since', () => {
    const firstSurvivors = new Set([mutantKey('src/a.ts', mutant('1', 10, 'Killed')), mutantKey('src/a.ts', mutant('2', 2, 'Survived'))]);
    const equivalents = [{ file: 'src/a.ts', line: 7, mutator: 'EqualityOperator', reason: 'the loop ends either way' }];
    const markdown = renderReport({ report: strykerReport, run, equivalents, firstSurvivors, commitOfTest: (file: string, name: string) => (name === 'A compares when equal' && file === 'src/a.test.ts' ? 'f00d' : undefined) });
    expect(markdown).toBe(
      [
        '# Mutation testing: @inferox/core',
        '',
        'Written by `npm run mutation -- core` (tools/mutation); do not edit by hand, edit `core.equivalent.json` and re-run.',
        '',
        '- Commit: `abc123`, packages/core clean (no uncommitted change)',
        '- Started 2026-12-03T09:00:00Z, took 61 s; StrykerJS 9.6.1, vitest runner, perTest coverage, incremental',
        '- Command: `npm run mutation -- core`',
        '- Mutated: `src/**/*.ts`',
        '',
        '**Mutation score: 60.00%** — 2 killed, 1 timeout, 1 survived, 1 no coverage (1 compile/runtime errors and 0 ignored are not counted).',
        '',
        '## Per file',
        '',
        '| File | Score | Killed | Survived | No coverage | Timeout | Errors |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        '| src/a.ts | 50.00% | 2 | 1 | 1 | 0 | 0 |',
        '| src/b.ts | 100.00% | 0 | 0 | 0 | 1 | 1 |',
        '',
        '## Surviving mutants (2: 1 equivalent, 1 open)',
        '',
        '| Location | Mutator | Replacement | Verdict |',
        '| --- | --- | --- | --- |',
        '| src/a.ts:2 | EqualityOperator | `a >= 2` | **open** (no test fails) |',
        '| src/a.ts:7 | EqualityOperator | `a >= 7` | equivalent: the loop ends either way |',
        '',
        '## Survivors of the first run killed since (1)',
        '',
        '| Location | Mutator | Replacement | Killed by |',
        '| --- | --- | --- | --- |',
        '| src/a.ts:10 | EqualityOperator | `a >= 10` | killed by "A compares when equal" (src/a.test.ts) in f00d |',
        '',
      ].join('\n'),
    );
  });

  it('counts every static mutant as ignored when static mutants were left out', () => {
    const report = { files: { 'src/a.ts': { mutants: [mutant('1', 1, 'Survived', { static: true }), mutant('2', 2, 'Killed', { static: true }), mutant('3', 3, 'Survived')] } }, testFiles: {} };
    const markdown = renderReport({ report, run: { ...run, args: ['--ignoreStatic'] }, equivalents: [], firstSurvivors: undefined, commitOfTest: () => undefined });
    expect(markdown).toContain('**Mutation score: 0.00%** — 0 killed, 0 timeout, 1 survived, 0 no coverage (0 compile/runtime errors and 2 ignored are not counted).');
    expect(markdown).toContain('| src/a.ts | 0.00% | 0 | 1 | 0 | 0 | 0 |');
    expect(renderReport({ report, run, equivalents: [], firstSurvivors: undefined, commitOfTest: () => undefined })).toContain('**Mutation score: 33.33%**');
  });

  it('reports only the files a --mutate run named, not the earlier results the incremental report carries', () => {
    const scoped = { ...run, args: ['--mutate', 'src/b.ts'], mutate: ['src/b.ts'] };
    const markdown = renderReport({ report: strykerReport, run: scoped, equivalents: [], firstSurvivors: undefined, commitOfTest: () => undefined });
    expect(markdown).toContain('| src/b.ts | 100.00% |');
    expect(markdown).not.toContain('src/a.ts');
    const globbed = { ...run, args: ['--mutate=src/**/*.ts,!src/b.ts'], mutate: ['src/**/*.ts', '!src/b.ts'] };
    expect(renderReport({ report: strykerReport, run: globbed, equivalents: [], firstSurvivors: undefined, commitOfTest: () => undefined })).not.toContain('| src/b.ts |');
  });

  it('says which uncommitted files a run saw and escapes table cells', () => {
    const report = { files: { 'src/a.ts': { mutants: [{ ...mutant('1', 1, 'Survived'), replacement: 'a | b\n  c' }] } }, testFiles: {} };
    const markdown = renderReport({ report, run: { ...run, args: ['--ignoreStatic'], cleanPackage: false, dirtyFiles: ['src/a.ts', 'src/b.test.ts'] }, equivalents: [], firstSurvivors: undefined, commitOfTest: () => undefined });
    expect(markdown).toContain('- Commit: `abc123`, packages/core had uncommitted changes: src/a.ts, src/b.test.ts');
    expect(markdown).toContain('- Command: `npm run mutation -- core --ignoreStatic` (static mutants, which run every test, were left out: they are counted as ignored)');
    expect(markdown).toContain('| src/a.ts:1 | EqualityOperator | `a \\| b c` | **open** (no test fails) |');
    expect(markdown).not.toContain('Survivors of the first run');
  });

  it('reads the Stryker report and equivalents from disk and keeps the first survivors beside the report', () => {
    const dir = tempDir();
    const paths = projectPaths('core', dir);
    mkdirSync(join(dir, 'reports', 'mutation'), { recursive: true });
    mkdirSync(paths.packageDir, { recursive: true });
    writeFileSync(paths.jsonReport, JSON.stringify(strykerReport));
    writeFileSync(paths.equivalentsFile, JSON.stringify([{ file: 'src/a.ts', line: 2, mutator: 'EqualityOperator', reason: 'same result' }]));
    const { score: written } = writeReport({ paths, run });
    expect(written).toBe(60);
    expect(readFileSync(paths.markdownReport, 'utf8')).toContain('| src/a.ts:2 | EqualityOperator | `a >= 2` | equivalent: same result |');
    expect(JSON.parse(readFileSync(paths.firstSurvivorsFile, 'utf8'))).toEqual(addFirstSurvivors({}, strykerReport));
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MutantRunStatus, DryRunStatus, TestStatus, toMutantRunResult } from '@stryker-mutator/api/test-runner';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunnerTask, RunnerTestFile } from 'vitest';
import { createVitest } from 'vitest/node';
// @ts-expect-error: a plain .mjs script without type declarations
import LoadFailureReporter, { LOAD_FAILURE_TEST, markLoadFailure } from '../mutation/load-failure-reporter.mjs';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** What Stryker's vitest runner 9.6.1 makes of a run (vitest-test-runner.js run(), vitest-helpers.js): the test tasks with a result, each passed or failed. */
function strykerResult(files: readonly RunnerTestFile[]) {
  const collect = (tasks: readonly RunnerTask[]): RunnerTask[] => tasks.flatMap((t) => (t.type === 'suite' ? collect(t.tasks) : t.type === 'test' ? [t] : []));
  const tests = collect(files).filter((t) => t.result);
  return toMutantRunResult({
    status: DryRunStatus.Complete,
    tests: tests.map((t) => ({
      id: t.name,
      name: t.name,
      timeSpentMs: 0,
      ...(t.result?.state === 'fail' ? { status: TestStatus.Failed, failureMessage: t.result.errors?.[0]?.message ?? '' } : { status: TestStatus.Success }),
    })),
  });
}

/** Runs vitest on `files` (name to text) in a temp dir, with or without the reporter; returns the File tasks. */
async function runVitest(files: Record<string, string>, withReporter: boolean): Promise<RunnerTestFile[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mutation-load-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const exitCode = process.exitCode;
  const vitest = await createVitest('test', {
    root: dir,
    config: false,
    watch: false,
    include: ['*.test.mjs'],
    reporters: withReporter ? [new LoadFailureReporter()] : [{}],
  });
  try {
    await vitest.start();
    return vitest.state.getFiles();
  } finally {
    await vitest.close();
    process.exitCode = exitCode;
  }
}

// A module that throws on import, as a static mutant can make it, and a test file of it; beside it, a file that loads.
const FILES = {
  'table.mjs': "export const TABLE = new Map([undefined].map(() => undefined));\n",
  'table.test.mjs': "import { expect, it } from 'vitest';\nimport { TABLE } from './table.mjs';\nit('has entries', () => expect(TABLE.size).toBe(1));\n",
  'other.test.mjs': "import { expect, it } from 'vitest';\nit('adds', () => expect(1 + 1).toBe(2));\n",
};

describe('LoadFailureReporter', () => {
  it('makes a test file that fails to load count as a failed test, so Stryker scores the mutant killed', async () => {
    // Without the reporter, Stryker's view of the same run: no failed test, the mutant survives (stryker-js#6150).
    expect(strykerResult(await runVitest(FILES, false)).status).toBe(MutantRunStatus.Survived);

    const files = await runVitest(FILES, true);
    const result = strykerResult(files);
    expect(result.status).toBe(MutantRunStatus.Killed);
    expect(result.status === MutantRunStatus.Killed && result.killedBy).toEqual([LOAD_FAILURE_TEST]);
    expect(result.status === MutantRunStatus.Killed && result.failureMessage).toContain('is not an entry object');
    const other = files.find((f) => f.name === 'other.test.mjs')!;
    expect(other.tasks.map((t) => [t.name, t.result?.state])).toEqual([['adds', 'pass']]);
  });

  it('leaves a file that loaded as it is, whether its tests passed or failed', () => {
    const failedTest = { type: 'test', name: 'breaks', result: { state: 'fail' } };
    const loaded = { name: 'a.test.ts', result: { state: 'fail' }, tasks: [failedTest] };
    expect(markLoadFailure(loaded).tasks).toEqual([failedTest]);
    const passed = { name: 'b.test.ts', result: { state: 'pass' }, tasks: [] };
    expect(markLoadFailure(passed).tasks).toEqual([]);
  });

  it('names the file when vitest gave no error for its failure', () => {
    const file = { id: 'f1', name: 'c.test.ts', result: { state: 'fail' }, tasks: [] as { result: { errors: unknown[] } }[] };
    expect(markLoadFailure(file).tasks[0]!.result.errors).toEqual([{ message: 'c.test.ts failed to load' }]);
  });
});

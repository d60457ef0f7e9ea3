// A vitest reporter for mutation runs (a package's vitest.mutation.config.ts names it): each test file that failed to
// load gets one failed test carrying its load error. Stryker's vitest runner (9.6.1, and 10.0.0 still) builds a
// mutant's result from the tests it collected, and a test file whose import throws collects none: a static mutant that
// stops a module from loading (`new Map([undefined])` at module level) then counted as survived, though every test of
// that module fails (stryker-js#6150). A file that loaded keeps its tests as they are, passed or failed.

/** Name of the test standing for a file that did not load. */
export const LOAD_FAILURE_TEST = 'the test file loads';

/**
 * `file` (a vitest File task) with one failed test added when it failed without holding a test, i.e. its import (or
 * its collection) threw; `file` unchanged otherwise. The test carries the file's errors, so Stryker reports the
 * mutant killed by it with the load error as the reason.
 */
export function markLoadFailure(file) {
  if (file.result?.state !== 'fail' || file.tasks.length > 0) return file;
  const errors = file.result.errors?.length ? file.result.errors : [{ message: `${file.name} failed to load` }];
  file.tasks.push({
    type: 'test',
    id: `${file.id}_load`,
    name: LOAD_FAILURE_TEST,
    mode: 'run',
    file,
    suite: file,
    meta: {},
    context: {},
    annotations: [],
    artifacts: [],
    timeout: 0,
    result: { state: 'fail', errors, duration: 0 },
  });
  return file;
}

export default class LoadFailureReporter {
  onTestRunEnd(testModules) {
    for (const testModule of testModules) markLoadFailure(testModule.task);
  }
}

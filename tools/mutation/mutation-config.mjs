// The StrykerJS options every project shares and the paths one project's run writes to (see run.mjs).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const REPORT_DIR = join(ROOT, 'reports', 'mutation');

/** Source files never mutated: tests, type tests, test fixtures, declarations. */
export const NOT_MUTATED = ['src/**/*.test.ts', 'src/**/*.test-d.ts', 'src/**/*.fixture.ts', 'src/**/*.fixture.mjs', 'src/**/*.d.ts'];

// A line that only re-exports, imports types or comments: nothing in it can be mutated meaningfully.
const RE_EXPORT_LINE = /^\s*(?:$|\/\/|\/?\*|export\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*(?:from\s+['"][^'"]+['"])?\s*;?\s*$|export\s+(?:type\s+)?\{|[\w\s,]*\}\s*from\s+['"][^'"]+['"];?\s*$|[\w\s,]+,?\s*$)/;

/** Whether `text` (a module's source) does nothing but re-export, so mutating it is pointless. */
export function isReExportOnly(text) {
  return text.split('\n').every((line) => RE_EXPORT_LINE.test(line));
}

/** The paths a run of `project` reads and writes; `project` is a folder under packages/. */
export function projectPaths(project, root = ROOT) {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(project)) throw new Error(`mutation: expected a project folder name under packages/ (e.g. core), got ${JSON.stringify(project)}`);
  const reportDir = join(root, 'reports', 'mutation');
  return {
    packageDir: join(root, 'packages', project),
    // Two levels under the root, like packages/<project>, so the package's `../../vitest.shared.ts`, tsconfig
    // `extends` and `../../fixtures` paths still resolve from inside Stryker's sandbox copy.
    tempDir: join(root, `.stryker-tmp-${project}`),
    jsonReport: join(reportDir, `${project}.stryker.json`),
    incrementalFile: join(reportDir, `${project}.incremental.json`),
    markdownReport: join(reportDir, `${project}.md`),
    equivalentsFile: join(reportDir, `${project}.equivalent.json`),
    firstSurvivorsFile: join(reportDir, `${project}.first-survivors.json`),
  };
}

/**
 * The Stryker options for `project`; `reExportOnly` are its `index.ts` files (relative) that only re-export, and
 * `vitestConfig` the vitest config (relative to the package) whose tests run against the mutants.
 */
export function mutationConfig(project, root = ROOT, reExportOnly = findReExportOnlyIndexes(projectPaths(project, root).packageDir), vitestConfig = 'vitest.config.ts') {
  const paths = projectPaths(project, root);
  return {
    $schema: join(root, 'node_modules/@stryker-mutator/core/schema/stryker-schema.json'),
    packageManager: 'npm',
    testRunner: 'vitest',
    vitest: { configFile: vitestConfig, related: true },
    plugins: ['@stryker-mutator/vitest-runner'],
    coverageAnalysis: 'perTest',
    concurrency: 2,
    mutate: ['src/**/*.ts', ...NOT_MUTATED.map((glob) => `!${glob}`), ...reExportOnly.map((file) => `!${file}`)],
    // The sandbox needs only the package itself; node_modules is resolved from the root above it.
    ignorePatterns: ['dist', 'coverage', '.nx', 'node_modules'],
    tempDirName: paths.tempDir,
    // Stryker rewrites tsconfig paths that leave the package as if its sandbox sat two levels below the package; ours
    // sits two levels below the root, where those paths already resolve, so no tsconfig is handed to that rewrite.
    tsconfigFile: 'no-tsconfig-rewrite.json',
    cleanTempDir: 'always',
    incremental: true,
    incrementalFile: paths.incrementalFile,
    reporters: ['json', 'clear-text', 'progress'],
    jsonReporter: { fileName: paths.jsonReport },
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: true },
    timeoutMS: 10_000,
    thresholds: { high: 85, low: 75, break: null },
  };
}

/** `index.ts` files under `packageDir/src` (relative to `packageDir`) that only re-export. */
export function findReExportOnlyIndexes(packageDir) {
  const found = [];
  const walk = (relDir) => {
    for (const entry of readdirSync(join(packageDir, relDir), { withFileTypes: true })) {
      const rel = `${relDir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name === 'index.ts' && isReExportOnly(readFileSync(join(packageDir, rel), 'utf8'))) found.push(rel);
    }
  };
  walk('src');
  return found.sort();
}

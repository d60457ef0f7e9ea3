// The suite's closing line for .ci/run: sums every vitest run's "Tests  X failed | Y passed | Z skipped (N)" line in a
// captured log (nx's stream output prefixes each line with "<project>: " and colours it) into one line
// "N passed, M failed[, K skipped]". Usage: node tools/test-summary.mjs <log>; exits 1 when M > 0 or no run was found.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks) that terminals and nx print.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
// "Tests" then at least two spaces: vitest's summary row. "Test Files" (a different row) does not match.
const TESTS_ROW = /(?:^|[\s:])Tests {2,}(.*?)\s*\(\d+\)\s*$/;
const COUNT = /(\d+) (passed|failed|skipped|todo)\b/g;

/** Removes terminal escape sequences from `text`. */
export function stripAnsi(text) {
  return text.replace(ANSI, '');
}

/**
 * Sums vitest's per-run "Tests" rows found in `log`.
 * @returns `{ runs, passed, failed, skipped }` where `skipped` includes todo tests.
 */
export function summarize(log) {
  const total = { runs: 0, passed: 0, failed: 0, skipped: 0 };
  for (const rawLine of stripAnsi(log).split(/\r?\n/)) {
    const row = TESTS_ROW.exec(rawLine);
    if (!row) continue;
    const counts = [...row[1].matchAll(COUNT)];
    if (counts.length === 0) continue;
    total.runs += 1;
    for (const [, n, kind] of counts) {
      const key = kind === 'todo' ? 'skipped' : kind;
      total[key] += Number(n);
    }
  }
  return total;
}

/** The closing line: `N passed, M failed` with `, K skipped` when some were skipped. */
export function closingLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : '');
}

/**
 * The command: prints the closing line for the log in `file`.
 * @returns the exit code: 0 when every test passed, 1 when one failed or no run was found, 2 without a file.
 */
export function main(file, { log = console.log, error = console.error } = {}) {
  if (!file) {
    error('usage: node tools/test-summary.mjs <captured test log>');
    return 2;
  }
  const total = summarize(readFileSync(file, 'utf8'));
  if (total.runs === 0) error('test-summary: no vitest "Tests" row found in ' + file);
  log(closingLine(total));
  return total.failed > 0 || total.runs === 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main(process.argv[2]));
}

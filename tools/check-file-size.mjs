// One concept per file: fails on a source file in `packages/*/src` longer than 400 lines. Tests, `*.test-d.ts`,
// `*.fixture.ts`, `.d.ts` and generated files (named `*.generated.ts` or starting with an `@generated` comment) are
// left out. Run by `npm test` after check-boundaries; prints each file with its length and exits 1 when one is over.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageSourceRoots } from './check-cycles.mjs';

export const MAX_LINES = 400;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage']);
const NOT_CHECKED = /\.(test|test-d|spec)\.ts$|\.fixture\.ts$|\.d\.ts$|\.generated\.ts$/;
const GENERATED_HEADER = /^(?:#![^\n]*\n)?\s*(?:\/\/|\/\*+)\s*@generated\b/;

/** Lines in `text` as `wc -l` counts them, plus a last line without a newline. */
export function lineCount(text) {
  if (text.length === 0) return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

/** @returns one line per over-long source file under `roots`, paths relative to `base`. */
export function findLongFiles(roots, base = process.cwd(), max = MAX_LINES) {
  const problems = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir).sort()) {
      if (SKIP_DIRS.has(entry)) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.m?ts$/.test(entry) && !NOT_CHECKED.test(entry)) {
        const text = readFileSync(path, 'utf8');
        if (GENERATED_HEADER.test(text)) continue;
        const lines = lineCount(text);
        if (lines > max) problems.push(`${relative(base, path)} has ${lines} lines (at most ${max}: split it by concept)`);
      }
    }
  };
  for (const root of roots) if (existsSync(root)) walk(root);
  return problems;
}

/**
 * The command: checks every package's `src` in the workspace at `root`.
 * @returns the exit code (1 when a file is too long); prints through `log`/`error`.
 */
export function main(root, { log = console.log, error = console.error } = {}) {
  const problems = findLongFiles(packageSourceRoots(root), root);
  for (const p of problems) error(p);
  if (problems.length > 0) {
    error(`check-file-size: ${problems.length} file(s) over ${MAX_LINES} lines`);
    return 1;
  }
  log(`check-file-size: every source file has at most ${MAX_LINES} lines`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main(resolve(fileURLToPath(import.meta.url), '../..')));
}

// Import cycles among the TypeScript sources of every package (type-only edges count: a cycle of types still ties the
// files' meanings together). Run by `npm test` after check-boundaries; exits 1 and prints each cycle when one exists.
// Tests, `*.test-d.ts`, `*.fixture.ts` and `.d.ts` files are left out. Same logic as the shared import-cycles hook.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage']);
const NOT_SOURCE = /\.(test|test-d|spec)\.ts$|\.fixture\.ts$|\.d\.ts$/;
// `import ... from './x'`, `import type ... from`, `export ... from`, and side-effect `import './x'`.
const RELATIVE_IMPORT = /(?:import|export)\s(?:[^;'"]*?from\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(roots) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir).sort()) {
      if (SKIP_DIRS.has(entry)) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.m?ts$/.test(entry) && !NOT_SOURCE.test(entry)) files.push(resolve(path));
    }
  };
  for (const root of roots) if (existsSync(root)) walk(root);
  return files;
}

/** The relative-import graph of `files`: file → the files it imports. */
export function importGraph(files) {
  const known = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const targets = [];
    for (const match of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const base = resolve(dirname(file), match[1]);
      const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
      const hit = candidates.find((c) => known.has(c));
      if (hit) targets.push(hit);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components of more than one file (Tarjan), each a cycle. */
export function cyclesOf(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.reverse());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** @returns one line per import cycle among the sources under `roots`, paths relative to `base`. */
export function findCycles(roots, base = process.cwd()) {
  return cyclesOf(importGraph(sourceFiles(roots))).map((cycle) => {
    // Start each cycle at its first file by name, so the report does not depend on the walk order.
    const first = cycle.indexOf([...cycle].sort()[0]);
    const ordered = [...cycle.slice(first), ...cycle.slice(0, first)];
    return 'import cycle: ' + ordered.map((p) => relative(base, p)).join(' -> ');
  });
}

/** The roots `npm test` checks: every package's `src`. */
export function packageSourceRoots(root) {
  const packages = join(root, 'packages');
  return readdirSync(packages).map((name) => join(packages, name, 'src')).filter((dir) => existsSync(dir));
}

/**
 * The command: checks every package of the workspace at `root`.
 * @returns the exit code (1 when a cycle exists); prints through `log`/`error`.
 */
export function main(root, { log = console.log, error = console.error } = {}) {
  const problems = findCycles(packageSourceRoots(root), root);
  for (const p of problems) error(p);
  if (problems.length > 0) {
    error(`check-cycles: ${problems.length} import cycle(s); move the shared types to a file both sides import`);
    return 1;
  }
  log('check-cycles: no import cycles');
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main(resolve(fileURLToPath(import.meta.url), '../..')));
}

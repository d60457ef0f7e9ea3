#!/usr/bin/env node
import process from 'node:process';
// Enforces the dependency direction of STYLE.md: it reads every package.json's runtime dependencies and every
// import in non-test sources, and exits 1 naming each violation.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which @inferox packages each library may depend on; apps (examples, benches, tools, cli) may use anything. */
export const ALLOWED = {
  '@inferox/core': [],
  '@inferox/hf-checkpoint': ['@inferox/core'],
  '@inferox/onnx-backend': ['@inferox/core', '@inferox/hf-checkpoint'],
  '@inferox/tfjs-backend': ['@inferox/core', '@inferox/hf-checkpoint'],
  '@inferox/engine': ['@inferox/core'],
  '@inferox/hub-cache': ['@inferox/core'],
  '@inferox/mlpkg': ['@inferox/core', '@inferox/hub-cache', '@inferox/hf-checkpoint'],
  '@inferox/text': ['@inferox/core', '@inferox/engine', '@inferox/hf-checkpoint', '@inferox/hub-cache', '@inferox/mlpkg'],
  '@inferox/server': [
    '@inferox/core',
    '@inferox/engine',
    '@inferox/text',
    '@inferox/hf-checkpoint',
    '@inferox/hub-cache',
    '@inferox/mlpkg',
  ],
  '@inferox/queue': ['@inferox/core', '@inferox/engine', '@inferox/text'],
};

/** Third-party packages a library's sources may import, beyond its own package.json dependencies: none. */
const CORE_FORBIDS_NODE = '@inferox/core';

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    // Tests and test fixtures (`*.fixture.ts`) may use dev dependencies; they ship in no build.
    else if (/\.(ts|mts|js|mjs)$/.test(entry) && !/\.(test|test-d|spec|fixture)\./.test(entry)) out.push(path);
  }
  return out;
}

const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The package name of an import specifier (`@a/b/c` → `@a/b`, `x/y` → `x`), or null for relative paths. */
export function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Checks one package folder.
 * @returns a list of violation messages (empty when the package keeps the rules).
 */
export function checkPackage(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const allowed = ALLOWED[pkg.name];
  if (!allowed) return [];
  const problems = [];
  const deps = Object.keys(pkg.dependencies ?? {});
  for (const dep of deps) {
    if (dep.startsWith('@inferox/') && !allowed.includes(dep)) problems.push(`${pkg.name} depends on ${dep} (allowed: ${allowed.join(', ') || 'none'})`);
  }
  if (pkg.name === CORE_FORBIDS_NODE && deps.length > 0) problems.push(`${pkg.name} must depend on nothing, has ${deps.join(', ')}`);
  const src = join(dir, 'src');
  for (const file of sourceFiles(src)) {
    // Imports shown in doc comments are examples, not dependencies.
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const inTesting = relative(src, file).startsWith('testing');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2];
      const name = packageOf(specifier);
      if (!name) continue;
      const where = relative(process.cwd(), file);
      if (name === pkg.name) continue; // a script of the package importing the package itself
      if (name.startsWith('@inferox/')) {
        if (!allowed.includes(name)) problems.push(`${where} imports ${specifier}: ${pkg.name} may import ${allowed.join(', ') || 'no @inferox package'}`);
        else if (specifier !== name && specifier !== '@inferox/core/testing') problems.push(`${where} deep-imports ${specifier}: use the package's public entry`);
      } else if (pkg.name === CORE_FORBIDS_NODE) {
        if (!(inTesting && name === 'vitest')) problems.push(`${where} imports ${specifier}: @inferox/core imports nothing (no node: modules)`);
      } else if (!name.startsWith('node:') && !deps.includes(name) && !Object.keys(pkg.peerDependencies ?? {}).includes(name)) {
        problems.push(`${where} imports ${specifier}, which is not in ${pkg.name}'s dependencies`);
      }
    }
  }
  return problems;
}

/** Checks every folder under `root/packages`. */
export function checkWorkspace(root) {
  const packages = join(root, 'packages');
  return readdirSync(packages).flatMap((name) => checkPackage(join(packages, name)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(import.meta.url), '../..');
  const problems = checkWorkspace(root);
  if (problems.length > 0) {
    process.stderr.write(`dependency boundaries: ${problems.length} violation(s)\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write('dependency boundaries: ok\n');
}

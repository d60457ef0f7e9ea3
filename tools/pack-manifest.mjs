// A package's `prepack` and `postpack` (`node ../../tools/pack-manifest.mjs prepack|postpack`):
// - prepack refuses a package that is not built (every file its exports, main, types and bin point at must exist),
//   so `npm pack`/`npm publish` never ships a tarball with only package.json and README.md;
// - prepack then writes the manifest users get: the repo-only `@inferox/source` export condition (it points at
//   src/*.ts, which the tarball does not hold) and the pack scripts removed; the original is kept beside it;
// - postpack puts the original package.json back byte for byte.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCE_CONDITION = '@inferox/source';
const BACKUP = 'package.json.prepack-original';

/** `exports` without the source condition, at any depth. */
export function stripSourceCondition(value) {
  if (Array.isArray(value)) return value.map(stripSourceCondition);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== SOURCE_CONDITION).map(([k, v]) => [k, stripSourceCondition(v)]));
}

function targets(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) targets(v, out);
  return out;
}

/** Every file `manifest` points at (`exports` at any depth, `main`, `types`, `bin`), once each. */
export function manifestTargets(manifest) {
  return [...new Set([...targets(manifest.exports), manifest.main, manifest.types, ...targets(manifest.bin)].filter(Boolean))];
}

/** @returns the files `manifest` (already stripped) points at that do not exist under `dir`. */
export function missingTargets(manifest, dir) {
  return manifestTargets(manifest).filter((t) => !existsSync(join(dir, t)));
}

/** The manifest users get. */
export function publishedManifest(manifest) {
  const out = { ...manifest, exports: stripSourceCondition(manifest.exports) };
  if (out.scripts) {
    const { prepack: _prepack, postpack: _postpack, ...rest } = out.scripts;
    if (Object.keys(rest).length > 0) out.scripts = rest;
    else delete out.scripts;
  }
  return out;
}

/** @returns an error message, or `null` when the package was prepared for packing. */
export function prepack(dir) {
  const file = join(dir, 'package.json');
  if (existsSync(join(dir, BACKUP))) renameSync(join(dir, BACKUP), file); // an earlier pack that died half-way
  const text = readFileSync(file, 'utf8');
  const manifest = publishedManifest(JSON.parse(text));
  const missing = missingTargets(manifest, dir);
  if (missing.length > 0) {
    return `${manifest.name} is not built: ${missing.join(', ')} missing. Run \`npx nx build ${manifest.name}\` (or \`npm run build\` at the root) before packing.`;
  }
  writeFileSync(join(dir, BACKUP), text);
  writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
  return null;
}

export function postpack(dir) {
  if (existsSync(join(dir, BACKUP))) renameSync(join(dir, BACKUP), join(dir, 'package.json'));
}

/**
 * The command, run by npm in the package folder `dir`.
 * @returns the exit code: 1 when prepack refuses the package, 2 for an unknown command.
 */
export function main(command, dir, { error = console.error } = {}) {
  if (command === 'prepack') {
    const problem = prepack(dir);
    if (problem) error(problem);
    return problem ? 1 : 0;
  }
  if (command === 'postpack') {
    postpack(dir);
    return 0;
  }
  error('usage: node tools/pack-manifest.mjs prepack|postpack (from a package folder)');
  return 2;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main(process.argv[2], process.cwd()));
}

// What a published package.json must hold: no repo-only export condition, every target inside the tarball, a
// `default` condition (so require() of the ESM build works on Node >= 20.19), a LICENSE file and complete metadata.

import { SOURCE_CONDITION, manifestTargets } from '../pack-manifest.mjs';

/**
 * @param manifest - the package.json inside the tarball.
 * @param files - the tarball's file paths (relative, as `npm pack --json` lists them).
 * @param readme - the text of the tarball's README.md, when it has one.
 * @returns one message per problem; `[]` when the manifest is fit to publish.
 */
export function checkPublishedManifest(manifest, files, readme) {
  const problems = [];
  const have = new Set(files.map((f) => f.replace(/^\.\//, '')));
  const name = manifest.name;
  if (JSON.stringify(manifest).includes(SOURCE_CONDITION)) problems.push(`${name}: publishes the "${SOURCE_CONDITION}" condition (its src/ is not in the tarball)`);
  for (const t of manifestTargets(manifest)) {
    if (t.includes(SOURCE_CONDITION)) continue;
    if (!have.has(t.replace(/^\.\//, ''))) problems.push(`${name}: points at ${t}, which the tarball lacks`);
  }
  for (const [sub, entry] of Object.entries(manifest.exports ?? {})) {
    if (typeof entry === 'object' && entry !== null && !('default' in entry)) problems.push(`${name}: export "${sub}" has no "default" condition, so require() fails`);
  }
  if (!have.has('LICENSE')) problems.push(`${name}: no LICENSE file`);
  if (!have.has('README.md')) problems.push(`${name}: no README.md`);
  else if (readme !== undefined && !readme.includes(`npm install ${name}`) && !readme.includes(`npm install -g ${name}`)) {
    problems.push(`${name}: README.md does not show \`npm install ${name}\``);
  }
  for (const field of ['license', 'repository', 'homepage', 'keywords', 'engines', 'files', 'description']) {
    if (manifest[field] === undefined || (Array.isArray(manifest[field]) && manifest[field].length === 0)) problems.push(`${name}: no "${field}"`);
  }
  return problems;
}

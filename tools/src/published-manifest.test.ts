import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { checkPublishedManifest } from '../consumer-check/published-manifest.mjs';

const good = {
  name: '@inferox/demo',
  version: '0.1.0',
  description: 'demo',
  license: 'MIT',
  repository: { type: 'git', url: 'git+https://example.invalid/inferox.git' },
  homepage: 'https://example.invalid/inferox#readme',
  keywords: ['demo'],
  engines: { node: '>=20.19' },
  files: ['dist', 'README.md', 'LICENSE'],
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  main: './dist/index.js',
  types: './dist/index.d.ts',
};
const files = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'];
const readme = '# @inferox/demo\n\n```sh\nnpm install @inferox/demo\n```\n';

describe('checkPublishedManifest', () => {
  it('accepts a complete manifest whose targets are all in the tarball', () => {
    expect(checkPublishedManifest(good, files, readme)).toEqual([]);
  });

  it('reports the source condition, a missing target, a missing default condition, LICENSE and metadata', () => {
    const { homepage: _homepage, ...noHomepage } = good;
    const bad = {
      ...noHomepage,
      keywords: [],
      exports: { '.': { types: './dist/index.d.ts', '@inferox/source': './src/index.ts', import: './dist/index.js' }, './bin': './dist/bin.js' },
    };
    const problems: string[] = checkPublishedManifest(bad, ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts'], readme);
    expect(problems).toEqual([
      '@inferox/demo: publishes the "@inferox/source" condition (its src/ is not in the tarball)',
      '@inferox/demo: points at ./src/index.ts, which the tarball lacks',
      '@inferox/demo: points at ./dist/bin.js, which the tarball lacks',
      '@inferox/demo: export "." has no "default" condition, so require() fails',
      '@inferox/demo: no LICENSE file',
      '@inferox/demo: no "homepage"',
      '@inferox/demo: no "keywords"',
    ]);
  });

  it('reports a README that does not show the install line, and a missing README', () => {
    expect(checkPublishedManifest(good, files, '# demo\n')).toEqual(['@inferox/demo: README.md does not show `npm install @inferox/demo`']);
    expect(checkPublishedManifest(good, files.filter((f) => f !== 'README.md'))).toEqual(['@inferox/demo: no README.md']);
  });
});

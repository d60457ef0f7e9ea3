import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { main, missingTargets, postpack, prepack, publishedManifest, stripSourceCondition } from '../pack-manifest.mjs';

const script = resolve(import.meta.dirname, '../pack-manifest.mjs');
const manifest = {
  name: '@inferox/demo',
  version: '0.1.0',
  exports: {
    '.': { types: { '@inferox/source': './src/index.ts', default: './dist/index.d.ts' }, '@inferox/source': './src/index.ts', default: './dist/index.js' },
  },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  bin: { demo: './bin/demo.js' },
  scripts: { prepack: 'node ../../tools/pack-manifest.mjs prepack', postpack: 'node ../../tools/pack-manifest.mjs postpack' },
};
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function fakePackage(built: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'pack-manifest-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'README.md'), '# demo\n');
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin/demo.js'), '');
  if (built) {
    mkdirSync(join(dir, 'dist'));
    for (const f of ['index.js', 'index.d.ts']) writeFileSync(join(dir, 'dist', f), 'export {};\n');
  }
  return dir;
}

describe('pack-manifest', () => {
  it('strips the source condition at every depth and the pack scripts', () => {
    expect(stripSourceCondition(manifest.exports)).toEqual({ '.': { types: { default: './dist/index.d.ts' }, default: './dist/index.js' } });
    const published = publishedManifest({ ...manifest, scripts: { ...manifest.scripts, start: 'node .' } });
    expect(published.scripts).toEqual({ start: 'node .' });
    expect(JSON.stringify(published)).not.toContain('@inferox/source');
    expect(publishedManifest(manifest).scripts).toBeUndefined();
  });

  it('refuses to pack a package that is not built, naming the missing files', () => {
    const dir = fakePackage(false);
    expect(missingTargets(publishedManifest(manifest), dir)).toEqual(['./dist/index.d.ts', './dist/index.js']);
    expect(prepack(dir)).toContain('@inferox/demo is not built: ./dist/index.d.ts, ./dist/index.js missing');
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(JSON.stringify(manifest, null, 2));
  });

  it('writes the published manifest for the pack and restores the original byte for byte after it', () => {
    const dir = fakePackage(true);
    expect(prepack(dir)).toBeNull();
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toEqual(publishedManifest(manifest));
    postpack(dir);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(JSON.stringify(manifest, null, 2));
  });

  it('npm pack fails on an unbuilt package and ships no source condition from a built one', () => {
    const root = mkdtempSync(join(tmpdir(), 'pack-manifest-npm-'));
    dirs.push(root);
    mkdirSync(join(root, 'tools'));
    cpSync(script, join(root, 'tools/pack-manifest.mjs'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
    const pack = (built: boolean) => {
      const dir = join(root, 'packages', built ? 'built' : 'unbuilt');
      cpSync(fakePackage(built), dir, { recursive: true });
      return { dir, run: spawnSync('npm', ['pack', '--json', '--pack-destination', root], { cwd: dir, encoding: 'utf8', env }) };
    };
    const unbuilt = pack(false);
    expect(unbuilt.run.status).not.toBe(0);
    expect(unbuilt.run.stderr).toContain('is not built');
    const built = pack(true);
    expect(built.run.status).toBe(0);
    const published = spawnSync('tar', ['-xzOf', join(root, 'inferox-demo-0.1.0.tgz'), 'package/package.json'], { encoding: 'utf8' }).stdout;
    expect(JSON.parse(published).exports['.'].default).toBe('./dist/index.js');
    expect(published).not.toContain('@inferox/source');
    expect(readFileSync(join(built.dir, 'package.json'), 'utf8')).toBe(JSON.stringify(manifest, null, 2));
  });

  it('exits 1 from the command line when the package is not built', () => {
    const dir = fakePackage(false);
    const run = spawnSync(process.execPath, [script, 'prepack'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Run `npx nx build @inferox/demo`');
  });

  it('runs prepack then postpack through main and refuses an unknown command', () => {
    const dir = fakePackage(true);
    const errors: string[] = [];
    const streams = { error: (t: string) => void errors.push(t) };
    expect(main('prepack', dir, streams)).toBe(0);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).not.toContain('@inferox/source');
    expect(main('postpack', dir, streams)).toBe(0);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(JSON.stringify(manifest, null, 2));
    expect(main('publish', dir, streams)).toBe(2);
    expect(main('prepack', fakePackage(false), streams)).toBe(1);
    expect(errors).toHaveLength(2);
  });
});

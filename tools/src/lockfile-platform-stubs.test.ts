import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { addPlatformStubs, platformOf } from '../lockfile-platform-stubs.mjs';

describe('platformOf', () => {
  it('reads os, cpu and libc from platform package names', () => {
    expect(platformOf('@nx/nx-darwin-arm64')).toEqual({ os: 'darwin', cpu: 'arm64' });
    expect(platformOf('@rollup/rollup-linux-arm-musleabihf')).toEqual({ os: 'linux', cpu: 'arm', libc: 'musl' });
    expect(platformOf('@nx/nx-linux-x64-gnu')).toEqual({ os: 'linux', cpu: 'x64', libc: 'glibc' });
    expect(platformOf('@rollup/rollup-win32-x64-msvc')).toEqual({ os: 'win32', cpu: 'x64' });
    expect(platformOf('fsevents')).toBeUndefined();
  });
});

describe('addPlatformStubs', () => {
  it('adds each missing optional platform package once and leaves present ones alone', () => {
    const lock = {
      packages: {
        '': { name: 'x' },
        'node_modules/nx': { version: '24.0.6', optionalDependencies: { '@nx/nx-darwin-arm64': '24.0.6', '@nx/nx-linux-x64-gnu': '24.0.6', fsevents: '2.3.3' } },
        'node_modules/@nx/nx-linux-x64-gnu': { version: '24.0.6', os: ['linux'], cpu: ['x64'] },
      },
    };
    expect(addPlatformStubs(lock)).toEqual(['@nx/nx-darwin-arm64@24.0.6']);
    expect(lock.packages).toMatchObject({ 'node_modules/@nx/nx-darwin-arm64': { version: '24.0.6', os: ['darwin'], cpu: ['arm64'], optional: true } });
    expect(addPlatformStubs(lock)).toEqual([]);
  });

  it('finds nothing missing in the committed lock, so npm ci accepts it', () => {
    const lock = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package-lock.json'), 'utf8'));
    expect(addPlatformStubs(lock)).toEqual([]);
  });
});

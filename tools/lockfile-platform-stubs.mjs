#!/usr/bin/env node
// The npm registry this project's machines reach serves only the Linux builds of platform-specific optional
// packages (@nx/nx-darwin-arm64 is a 404 here), so `npm install` leaves the other platforms out of
// package-lock.json, and `npm ci` then refuses the lock as out of sync. This adds a lock entry for each missing
// optional platform package (version, os, cpu, libc from its name), which `npm ci` skips on other platforms and
// fetches normally where it applies. Run it after every `npm install` that changes the lock.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const OS = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'sunos', 'win32', 'aix', 'netbsd'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el'];

/**
 * The platform a package is built for, from its name (`@rollup/rollup-linux-arm-musleabihf` → linux, arm, musl).
 * @returns undefined when the name names no platform.
 */
export function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (!os || !cpu) return undefined;
  const libc = parts.some((p) => p.startsWith('musl')) ? 'musl' : os === 'linux' && parts.some((p) => p.startsWith('gnu')) ? 'glibc' : undefined;
  return { os, cpu, ...(libc ? { libc } : {}) };
}

/**
 * Adds the missing entries to a parsed package-lock.json (lockfileVersion 3) in place.
 * @returns the names added.
 */
export function addPlatformStubs(lock) {
  const packages = lock.packages;
  const added = [];
  for (const [path, entry] of Object.entries(packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const base = path === '' ? '' : `${path}/`;
      if (packages[`${base}node_modules/${name}`] || packages[`node_modules/${name}`]) continue;
      const platform = platformOf(name);
      if (!platform) continue;
      packages[`node_modules/${name}`] = {
        version,
        ...(platform.cpu ? { cpu: [platform.cpu] } : {}),
        ...(platform.libc ? { libc: [platform.libc] } : {}),
        optional: true,
        os: [platform.os],
      };
      added.push(`${name}@${version}`);
    }
  }
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
  return added;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = resolve(fileURLToPath(import.meta.url), '../../package-lock.json');
  const lock = JSON.parse(readFileSync(file, 'utf8'));
  const added = addPlatformStubs(lock);
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  process.stdout.write(`package-lock.json: ${added.length} platform entries added${added.length ? `: ${added.join(', ')}` : ''}\n`);
}

import { readFileSync } from 'node:fs';

/**
 * The version of @inferox/cli, read from its package.json: one folder above the build (`dist/*.js`), two above this
 * source file (`src/internal/`); the first of those that is @inferox/cli's manifest wins.
 */
export function cliVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === '@inferox/cli' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not there from this location: try the next one
    }
  }
  return '0.0.0';
}

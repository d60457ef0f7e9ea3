import { readFileSync } from 'node:fs';

/**
 * The version of @inferox/cli, read from its package.json (one folder above both `src/` and `dist/`, so the sources
 * and the build read the same file).
 */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
}

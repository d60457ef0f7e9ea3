import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../cli-io';
import { runCli } from '../program';

const fixture = resolve(import.meta.dirname, '../../../../fixtures/tiny-bert-hf');
const tmp = mkdtempSync(join(tmpdir(), 'inferox-verify-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: async () => '', isTTY: false };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('verifyCommand', () => {
  it('prints the package name, version and file count when every file matches, and names a changed file', async () => {
    const pkg = join(tmp, 'pkg');
    expect((await cli(['pack', fixture, '-o', pkg, '--name', 'tiny'])).code).toBe(0);
    const metadata = JSON.parse(readFileSync(join(pkg, 'metadata.json'), 'utf8')) as { version: string; files: { path: string }[] };
    const ok = await cli(['verify', pkg]);
    expect(ok).toEqual({ code: 0, stdout: `ok: ${pkg} (tiny ${metadata.version}, ${metadata.files.length} files verified)\n`, stderr: '' });
    const config = metadata.files.map((f) => f.path).find((p) => p.endsWith('config.json'))!;
    writeFileSync(join(pkg, config), `${readFileSync(join(pkg, config), 'utf8')} `);
    const bad = await cli(['verify', pkg]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^error \[\w+\]: .*config\.json/);
  });
});

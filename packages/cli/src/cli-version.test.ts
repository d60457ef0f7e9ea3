import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './cli-io';
import { runCli } from './program';

const packageDir = resolve(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(resolve(packageDir, 'package.json'), 'utf8')) as { version: string };

function io(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), readStdin: () => Promise.resolve(''), isTTY: false };
}

describe('inferox --version', () => {
  it('prints the package version and exits 0 when asked with --version or -V', async () => {
    for (const flag of ['--version', '-V']) {
      const streams = io();
      expect(await runCli([flag], streams)).toBe(0);
      expect(streams.out.join('')).toBe(`${version}\n`);
    }
  });

  it('prints the version through the committed bin shim, from dist when built and from the sources otherwise', () => {
    // In the repository after `npm ci`, bin/inferox.js runs the sources (dist/bin.js is absent or built: both print it).
    const run = spawnSync(process.execPath, [resolve(packageDir, 'bin/inferox.js'), '--version'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${version}\n`);
    expect(run.status).toBe(0);
  });

  /** A copy of the shim beside a link to the sources and no dist/, inside the workspace so tsx resolves. */
  function sourceOnlyShim(): string {
    const dir = mkdtempSync(join(packageDir, '.shim-test-'));
    mkdirSync(join(dir, 'bin'));
    cpSync(resolve(packageDir, 'bin/inferox.js'), join(dir, 'bin/inferox.js'));
    cpSync(resolve(packageDir, 'package.json'), join(dir, 'package.json'));
    symlinkSync(resolve(packageDir, 'src'), join(dir, 'src'));
    return dir;
  }

  it('passes SIGTERM on to the sources it runs, so serve shuts down and the shim exits 0', async () => {
    const dir = sourceOnlyShim();
    try {
      const model = resolve(packageDir, '../../fixtures/tiny-bert-hf/model.onnx');
      const shim = spawn(process.execPath, [join(dir, 'bin/inferox.js'), 'serve', `tiny=${model}`, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      shim.stderr.on('data', (d: Buffer) => void (err += d.toString()));
      const exited = once(shim, 'exit') as Promise<[number | null, string | null]>;
      for await (const chunk of shim.stdout) {
        out += (chunk as Buffer).toString();
        if (out.includes('inferox serving')) break;
      }
      expect(out).toContain('inferox serving tiny at http://127.0.0.1:');
      shim.kill('SIGTERM');
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(err).toContain('SIGTERM: shutting down');
      expect(err).toContain('stopped');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('runs the sources through tsx when dist is missing, as in a fresh clone after npm ci', () => {
    const dir = sourceOnlyShim();
    try {
      const run = spawnSync(process.execPath, [join(dir, 'bin/inferox.js'), '--help'], { encoding: 'utf8', timeout: 60_000 });
      expect(run.stdout).toContain('Usage: inferox');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

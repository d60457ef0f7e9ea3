import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../cli-io';
import { runCli } from '../program';

const tmp = mkdtempSync(join(tmpdir(), 'inferox-cli-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function io(): CliIO & { err: string[] } {
  const err: string[] = [];
  return { err, stdout: () => undefined, stderr: (t) => void err.push(t), readStdin: async () => '', isTTY: false };
}

describe('inferox pack', () => {
  it('names a source that is a symbolic link loop as such instead of calling it a bad hub repo id', async () => {
    const loop = join(tmp, 'ckpt');
    symlinkSync(join(tmp, 'other'), loop);
    symlinkSync(loop, join(tmp, 'other'));
    const cli = io();
    expect(await runCli(['pack', loop, '-o', join(tmp, 'out')], cli)).toBe(1);
    const text = cli.err.join('');
    expect(text).toContain('error [INVALID_INPUT]');
    expect(text).toContain('a symbolic link loop');
    expect(text).not.toContain('hub repo id');
  });

  it('names a source file that is not a checkpoint instead of trying the hub', async () => {
    const cli = io();
    expect(await runCli(['pack', join(import.meta.dirname, 'pack-command.ts'), '-o', join(tmp, 'out2')], cli)).toBe(1);
    expect(cli.err.join('')).toContain('is a file; a hf-checkpoint source is a folder with config.json');
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type BertReference, expectBertReference } from '@inferox/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { inferoxArgs } from './cli-child.fixture';

const run = promisify(execFile);
const fixture = resolve(import.meta.dirname, '../../../fixtures/tiny-bert-hf');
const reference = JSON.parse(readFileSync(join(fixture, 'reference.json'), 'utf8')) as BertReference;
const tmp = mkdtempSync(join(tmpdir(), 'inferox-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeRequest(name: string, body: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

const request = {
  inputs: Object.entries(reference.inputs).map(([name, rows]) => ({ name, datatype: 'INT64', shape: [3, 12], data: rows.flat() })),
};

/** Runs the real CLI as a child process from sources. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, inferoxArgs(...args), { cwd: import.meta.dirname, timeout: 170_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.concurrent('inferox (child process)', { timeout: 180_000 }, () => {
  it.each(['onnx', 'tfjs'])('reproduces reference.json on %s when run on the checkpoint with a v2 request', async (backend) => {
    const input = writeRequest(`req-${backend}.json`, request);
    const out = join(tmp, `resp-${backend}.json`);
    const extra = backend === 'tfjs' ? ['--runtime', 'wasm'] : [];
    const result = await cli('run', fixture, '--backend', backend, ...extra, '--inputs', input, '--output', out);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const body = JSON.parse(readFileSync(out, 'utf8')) as { model_name: string; outputs: { name: string; datatype: string; shape: number[]; data: number[] }[]; parameters: Record<string, string> };
    expect(body.model_name).toBe('tiny-bert-hf');
    expect(body.parameters.backend).toBe(backend);
    expect(body.outputs.map((o) => [o.name, o.datatype])).toEqual([
      ['last_hidden_state', 'FP32'],
      ['pooler_output', 'FP32'],
    ]);
    expectBertReference(Object.fromEntries(body.outputs.map((o) => [o.name, o])), reference);
  });

  it('exits 1 with one error line naming the problem when the request is not JSON', async () => {
    const result = await cli('run', fixture, '--inputs', writeRequest('bad.json', '{"inputs": ['));
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^error \[INVALID_INPUT\]: .*bad\.json is not valid JSON/);
    expect(result.stdout).toBe('');
  });

  it('exits 2 when the command line is wrong', async () => {
    const result = await cli('run', fixture);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--inputs <file|->' not specified");
  });

  it('packs, verifies and runs a package, then refuses a package with a flipped byte naming the file', async () => {
    const pkg = join(tmp, 'pkg');
    const packed = await cli('pack', fixture, '-o', pkg);
    expect(packed.stderr).toBe('');
    expect(packed.code).toBe(0);
    expect(packed.stdout).toContain(`→ ${pkg}`);
    const verified = await cli('verify', pkg);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^ok: /);
    const out = join(tmp, 'resp-pkg.json');
    const ran = await cli('run', pkg, '--backend', 'auto', '--inputs', writeRequest('req-pkg.json', request), '--output', out);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const body = JSON.parse(readFileSync(out, 'utf8')) as { parameters: Record<string, string>; outputs: { name: string; shape: number[]; data: number[] }[] };
    expect(body.parameters.backend).toBe('onnx');
    expectBertReference(Object.fromEntries(body.outputs.map((o) => [o.name, o])), reference);
    const config = join(pkg, 'weights', 'config.json');
    const bytes = readFileSync(config);
    bytes[2] = bytes[2]! ^ 1;
    writeFileSync(config, bytes);
    const broken = await cli('verify', pkg);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^error \[PACKAGE_INVALID\]: .*weights\/config\.json/);
  });
});


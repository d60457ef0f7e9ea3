import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../cli-io';
import { runCli } from '../program';
import { inferoxArgs } from '../cli-child.fixture';

const exec = promisify(execFile);
const fixture = resolve(import.meta.dirname, '../../../../fixtures/tiny-bert-hf');
const tmp = mkdtempSync(join(tmpdir(), 'inferox-cli-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NAMES = ['input_ids', 'attention_mask', 'token_type_ids'];
const bert = (rows: number, columns = 4): { inputs: unknown[] } => ({
  inputs: NAMES.map((name, i) => ({ name, datatype: 'INT64', shape: [rows, columns], data: new Array<number>(rows * columns).fill(i === 1 ? 1 : i === 0 ? 101 : 0) })),
});

function writeRequest(name: string, body: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

/** Runs the real CLI as a child process from sources. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, inferoxArgs(...args), {
      cwd: import.meta.dirname,
      timeout: 170_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs the CLI in this process (same program, no process start-up). */
async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), readStdin: async () => '', isTTY: false };
  const code = await runCli(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Asserts the CLI's promise: exit 1, one `error [CODE]: message` line, nothing on stdout. */
function expectOneErrorLine(result: { code: number; stdout: string; stderr: string }, code: string, ...facts: string[]): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error \\[${code}\\]: `));
  for (const fact of facts) expect(lines[0]).toContain(fact);
  expect(lines[0]!.length).toBeLessThan(600);
}

describe('runCommand', { timeout: 180_000 }, () => {
  it('refuses a batch-100,000 request naming maxElements before loading the model', { timeout: 180_000 }, async () => {
    const result = await cli('run', fixture, '--inputs', writeRequest('batch.json', bert(100_000)));
    expectOneErrorLine(result, 'INVALID_INPUT', 'maxElements', '1048576');
  });

  it('runs the same request when --max-elements raises the limit past it', async () => {
    const out = join(tmp, 'raised.json');
    const result = await inProcess('run', fixture, '--backend', 'onnx', '--max-elements', '100', '--inputs', writeRequest('small.json', bert(2)), '--output', out);
    expect(result.stderr).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).outputs.map((o: { name: string }) => o.name).sort()).toEqual(['last_hidden_state', 'pooler_output']);
    const refused = await inProcess('run', fixture, '--max-elements', '23', '--inputs', writeRequest('small2.json', bert(2)));
    expectOneErrorLine(refused, 'INVALID_INPUT', 'maxElements', '23');
  });

  it('refuses an output over --max-output-size naming maxOutputBytes and writes nothing', async () => {
    const out = join(tmp, 'never.json');
    const result = await inProcess('run', fixture, '--backend', 'onnx', '--max-output-size', '1KB', '--inputs', writeRequest('out.json', bert(2)), '--output', out);
    expectOneErrorLine(result, 'INVALID_INPUT', 'maxOutputBytes');
    expect(() => readFileSync(out)).toThrow();
  });

  it('refuses an input named __proto__ instead of dropping it', async () => {
    const body = `{"inputs":[{"name":"__proto__","datatype":"INT64","shape":[1,1],"data":[1]}]}`;
    expectOneErrorLine(await inProcess('run', fixture, '--inputs', writeRequest('proto.json', body)), 'INVALID_INPUT', '__proto__');
  });

  it('refuses "100" given as an INT64 number', async () => {
    const body = { inputs: [{ name: 'input_ids', datatype: 'INT64', shape: [1, 1], data: ['100'] }] };
    expectOneErrorLine(await inProcess('run', fixture, '--inputs', writeRequest('string-number.json', body)), 'INVALID_INPUT', 'input_ids', 'JSON number');
  });

  it('gives INVALID_INPUT, not a relabelled RangeError, when data nests 100,000 deep', { timeout: 180_000 }, async () => {
    const deep = '['.repeat(100_000) + '1' + ']'.repeat(100_000);
    const body = `{"inputs":[{"name":"input_ids","datatype":"INT64","shape":[1,1],"data":${deep}}]}`;
    expectOneErrorLine(await cli('run', fixture, '--inputs', writeRequest('deep.json', body)), 'INVALID_INPUT', 'nests deeper');
  });

  it('cuts a 5 MB input name in the error line', async () => {
    const body = { inputs: [{ name: 'n'.repeat(5_000_000), datatype: 'INT64', shape: [1], data: [1] }] };
    expectOneErrorLine(await inProcess('run', fixture, '--inputs', writeRequest('long-name.json', body)), 'INVALID_INPUT', 'maxNameLength');
  });

  it('prints only its one error line when onnxruntime fails inside a run (no native log line)', { timeout: 180_000 }, async () => {
    const body = bert(1, 3);
    (body.inputs[0] as { data: number[] }).data = [101, 99_999_999, 102];
    const result = await cli('run', join(fixture, 'model.onnx'), '--backend', 'onnx', '--inputs', writeRequest('oov.json', body));
    expect(result.stderr).not.toContain('onnxruntime');
    expectOneErrorLine(result, '(BACKEND_ERROR|INVALID_INPUT)', '99999999');
  });

  it('stops reading stdin past --max-request-size, naming maxRequestBytes', { timeout: 180_000 }, async () => {
    const child = spawn(process.execPath, inferoxArgs('run', fixture, '--max-request-size', '1KB', '--inputs', '-'), {
      cwd: import.meta.dirname,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.on('error', () => undefined); // the CLI may exit before it has read everything
    child.stdin.end(JSON.stringify(bert(1000)));
    const [code] = (await once(child, 'close')) as [number];
    expectOneErrorLine({ code, stdout, stderr }, 'INVALID_INPUT', 'maxRequestBytes', 'stdin');
  });

  it('prints no onnxruntime line on stderr when the cuda provider cannot be loaded', { timeout: 180_000 }, async () => {
    const result = await cli('backends', '--providers', 'cuda,cpu');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('onnx: available');
    expect(result.stderr).toBe('');
  });

  it('gives INVALID_INPUT naming --output when it is under a file or is a folder', { timeout: 180_000 }, async () => {
    const file = writeRequest('a-file.txt', 'x');
    const request = writeRequest('req.json', bert(1));
    expectOneErrorLine(await cli('run', fixture, '--inputs', request, '--output', join(file, 'out.json')), 'INVALID_INPUT', '--output', 'under a file');
    const folder = join(tmp, 'a-folder');
    mkdirSync(folder);
    expectOneErrorLine(await inProcess('run', fixture, '--inputs', request, '--output', folder), 'INVALID_INPUT', '--output', 'is a folder');
    expectOneErrorLine(await inProcess('run', fixture, '--inputs', request, '--output', join(tmp, 'missing', 'out.json')), 'INVALID_INPUT', 'folder does not exist');
  });

  it('refuses an --inputs file over --max-request-size before reading it', async () => {
    expectOneErrorLine(await inProcess('run', fixture, '--max-request-size', '100B', '--inputs', writeRequest('big.json', bert(10))), 'INVALID_INPUT', 'maxRequestBytes');
  });
});

describe('runCommand output', () => {
  it('writes a large response to stdout in many chunks, not as one string', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIO = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), readStdin: async () => '', isTTY: false };
    const code = await runCli(['run', fixture, '--backend', 'onnx', '--inputs', writeRequest('chunks.json', bert(32, 8))], io);
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect(out.length).toBeGreaterThan(4);
    const body = JSON.parse(out.join('')) as { outputs: { name: string; shape: number[]; data: number[] }[] };
    const hidden = body.outputs.find((o) => o.name === 'last_hidden_state')!;
    expect(hidden.shape).toEqual([32, 8, 64]);
    expect(hidden.data).toHaveLength(32 * 8 * 64);
  });
});

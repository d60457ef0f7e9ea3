import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BertReference, expectBertReference } from '@inferox/core/testing';
import { type TestHub, startTestHub } from '@inferox/hub-cache/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliIO } from './cli-io';
import { runCli } from './program';

const fixture = resolve(import.meta.dirname, '../../../fixtures/tiny-bert-hf');
const reference = JSON.parse(readFileSync(join(fixture, 'reference.json'), 'utf8')) as BertReference;
const tmp = mkdtempSync(join(tmpdir(), 'inferox-cli-inproc-'));
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({
    repos: [
      {
        id: 'acme/tiny-bert',
        files: {
          'config.json': readFileSync(join(fixture, 'config.json')),
          'model.safetensors': readFileSync(join(fixture, 'model.safetensors')),
          'onnx/model.onnx': readFileSync(join(fixture, 'model.onnx')),
          'README.md': '# tiny\n',
        },
      },
    ],
  });
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await hub?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function io(options: { stdin?: string; tty?: boolean } = {}): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readStdin: async () => options.stdin ?? '',
    isTTY: options.tty ?? false,
  };
}

const requestBody = (data: number[], shape = [1, data.length]): string =>
  JSON.stringify({ inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((name, i) => ({ name, datatype: 'INT64', shape, data: i === 1 ? data.map(() => 1) : i === 2 ? data.map(() => 0) : data })) });

describe('runCli', () => {
  it('reads the request from stdin and selects outputs when given - and an outputs list', async () => {
    // Reference row 1 (12 tokens, padded): the pooled output must be the reference's, not just of its shape.
    const body = {
      id: 'req-7',
      inputs: Object.entries(reference.inputs).map(([name, rows]) => ({ name, datatype: 'INT64', shape: [1, 12], data: rows[1] })),
      outputs: [{ name: 'pooler_output' }],
    };
    const cli = io({ stdin: JSON.stringify(body) });
    expect(await runCli(['run', join(fixture, 'model.onnx'), '--inputs', '-'], cli)).toBe(0);
    const response = JSON.parse(cli.out.join(''));
    expect(response.id).toBe('req-7');
    expect(response.outputs.map((o: { name: string }) => o.name)).toEqual(['pooler_output']);
    expect(response.outputs[0].datatype).toBe('FP32');
    expectBertReference({ pooler_output: response.outputs[0] }, reference, { rows: [1, 2], outputs: ['pooler_output'] });
    expect(response.parameters).toEqual({ backend: 'onnx', device: 'cpu' });
  });

  it('names the input, the expected and the given dtype when a datatype does not match the model', async () => {
    const body = JSON.parse(requestBody([101, 102]));
    body.inputs[0].datatype = 'INT32';
    const cli = io({ stdin: JSON.stringify(body) });
    expect(await runCli(['run', fixture, '--backend', 'onnx', '--inputs', '-'], cli)).toBe(1);
    expect(cli.err.join('')).toMatch(/^error \[INVALID_INPUT\]: .*"input_ids".*int64.*int32/);
  });

  it('says which backends a model runs on when asked for one that cannot serve it', async () => {
    const cli = io({ stdin: requestBody([101, 102]) });
    expect(await runCli(['run', join(fixture, 'model.onnx'), '--backend', 'tfjs', '--inputs', '-'], cli)).toBe(1);
    expect(cli.err.join('')).toContain('error [BACKEND_UNAVAILABLE]: onnx');
    expect(cli.err.join('')).toContain('it runs on onnx');
  });

  it('names an output the model does not have', async () => {
    const body = JSON.parse(requestBody([101, 102]));
    body.outputs = [{ name: 'logits' }];
    const cli = io({ stdin: JSON.stringify(body) });
    expect(await runCli(['run', join(fixture, 'model.onnx'), '--inputs', '-'], cli)).toBe(1);
    expect(cli.err.join('')).toContain('no output "logits"');
  });

  it('reports an unreadable inputs file and a path that is no model', async () => {
    const cli = io();
    expect(await runCli(['run', fixture, '--inputs', join(tmp, 'missing.json')], cli)).toBe(1);
    expect(cli.err.join('')).toContain('cannot read --inputs');
    const other = io({ stdin: requestBody([1]) });
    expect(await runCli(['run', tmp, '--inputs', '-'], other)).toBe(1);
    expect(other.err.join('')).toContain('cannot tell what model');
  });

  it('exits 2 for an unknown command or a bad choice, and 0 for help', async () => {
    expect(await runCli(['frobnicate'], io())).toBe(2);
    expect(await runCli(['run', fixture, '--backend', 'gpu', '--inputs', '-'], io())).toBe(2);
    const help = io();
    expect(await runCli(['--help'], help)).toBe(0);
    expect(help.out.join('')).toContain('Usage: inferox');
  });

  it('lists both backends and why cuda was not used when asked for cuda first', async () => {
    const cli = io();
    expect(await runCli(['backends', '--runtime', 'cpu', '--providers', 'cuda,cpu'], cli)).toBe(0);
    const text = cli.out.join('');
    expect(text).toMatch(/^onnx: available, runtime cpu/m);
    expect(text).toMatch(/^ {2}cuda: not used: /m);
    expect(text).toMatch(/^tfjs: available, runtime cpu/m);
  });

  it('pulls a snapshot with include patterns, prints plain lines off a terminal, then scans and prunes the cache', async () => {
    const cacheDir = join(tmp, 'hf-cache');
    vi.stubEnv('HF_ENDPOINT', hub.url);
    {
      const pull = io();
      expect(await runCli(['pull', 'acme/tiny-bert', '--include', '*.json', '--include', 'onnx/*', '--cache-dir', cacheDir], pull)).toBe(0);
      const folder = pull.out.join('').trim();
      expect(folder).toContain(join(cacheDir, 'models--acme--tiny-bert', 'snapshots'));
      expect(readFileSync(join(folder, 'onnx', 'model.onnx')).length).toBe(readFileSync(join(fixture, 'model.onnx')).length);
      expect(pull.err.join('')).toContain('downloaded onnx/model.onnx');
      expect(() => readFileSync(join(folder, 'model.safetensors'))).toThrow();

      const tty = io({ tty: true });
      expect(await runCli(['pull', 'acme/tiny-bert', '--include', 'README.md', '--revision', 'main', '--cache-dir', cacheDir], tty)).toBe(0);
      expect(tty.err.join('')).toContain('README.md [########################] 100%');

      const scan = io();
      expect(await runCli(['cache', 'scan', '--cache-dir', cacheDir], scan)).toBe(0);
      expect(scan.out.join('')).toMatch(/model:acme\/tiny-bert\s+1\s+3\s/);

      const prune = io();
      expect(await runCli(['cache', 'prune', '--max-size', '0', '--cache-dir', cacheDir], prune)).toBe(0);
      expect(prune.out.join('')).toContain('evicted model:acme/tiny-bert@');
      const bad = io();
      expect(await runCli(['cache', 'prune', '--max-size', 'lots', '--cache-dir', cacheDir], bad)).toBe(1);
      expect(bad.err.join('')).toContain('"lots" is not a size');
    }
  });

  it('prints the stack and causes when --verbose is given', async () => {
    const cli = io({ stdin: '{' });
    expect(await runCli(['--verbose', 'run', fixture, '--inputs', '-'], cli)).toBe(1);
    const text = cli.err.join('');
    expect(text.split('\n').length).toBeGreaterThan(2);
    expect(text).toContain('caused by: SyntaxError');
  });
});


describe('runCli pack from the hub', () => {
  it('packs a hub repo through the cache and records the commit when given a repo id', async () => {
    vi.stubEnv('HF_ENDPOINT', hub.url);
    vi.stubEnv('HF_HUB_CACHE', join(tmp, 'pack-cache'));
    {
      const cli = io();
      const out = join(tmp, 'from-hub');
      expect(await runCli(['pack', 'acme/tiny-bert', '-o', out, '--revision', 'main', '--name', 'tiny'], cli)).toBe(0);
      expect(JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')).name).toBe('tiny');
      const exists = io();
      expect(await runCli(['pack', 'acme/tiny-bert', '-o', out], exists)).toBe(1);
      expect(exists.err.join('')).toContain(out);
      expect(await runCli(['pack', 'acme/tiny-bert', '-o', out, '--overwrite'], io())).toBe(0);
      expect(cli.out.join('')).toContain(`→ ${out}`);
      const metadata = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
      expect(metadata.source).toMatchObject({ repo_id: 'acme/tiny-bert', revision: 'main', commit: hub.commitOf('acme/tiny-bert') });
      expect(metadata.name).toBe('acme/tiny-bert');
    }
  });
});

describe('runCli on a TF.js model folder', () => {
  it('runs a GraphModel folder on tfjs and refuses onnx for it', async () => {
    const dir = join(tmp, 'relu-graph');
    mkdirSync(dir, { recursive: true });
    const float = { type: 'DT_FLOAT' };
    const modelTopology = {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: { dim: [{ size: '-1' }, { size: '3' }] } } } },
        { name: 'Identity', op: 'Relu', input: ['x'], attr: { T: float } },
      ],
      library: {},
      versions: { producer: 1 },
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', generatedBy: 'hand', modelTopology, weightsManifest: [] }));
    const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 3], data: [-1, 2, -3, 4, -5, 6] }] });
    const cli = io({ stdin: body });
    expect(await runCli(['run', dir, '--runtime', 'cpu', '--inputs', '-'], cli)).toBe(0);
    const response = JSON.parse(cli.out.join(''));
    expect(response.parameters.backend).toBe('tfjs');
    expect(response.outputs[0]).toMatchObject({ shape: [2, 3], data: [0, 2, 0, 4, 0, 6] });
    const wrong = io({ stdin: body });
    expect(await runCli(['run', join(dir, 'model.json'), '--backend', 'onnx', '--inputs', '-'], wrong)).toBe(1);
    expect(wrong.err.join('')).toContain('cannot run on onnx; it runs on tfjs');
  });
});

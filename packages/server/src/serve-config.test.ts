import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseModelArgument, parseServeConfig, readServeConfig } from './serve-config';

const tmp = mkdtempSync(join(tmpdir(), 'inferox-serve-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseServeConfig', () => {
  it('fills the defaults when given an empty document', () => {
    expect(parseServeConfig(undefined)).toEqual({ host: '127.0.0.1', port: 8080, apiKeys: [], shutdownTimeoutMs: 10_000, modelRepository: false, corsOrigins: [], dashboard: true, limits: {}, models: [] });
  });

  it('resolves relative sources against the base folder and keeps hf:// and absolute ones', () => {
    const config = parseServeConfig({ models: [{ name: 'a', source: 'm' }, { name: 'b', source: 'hf://org/repo@main' }, { name: 'c', source: '/abs/m.onnx', instances: { count: 2 } }] }, 'config', '/base');
    expect(config.models).toEqual([
      { name: 'a', source: '/base/m' },
      { name: 'b', source: 'hf://org/repo@main' },
      { name: 'c', source: '/abs/m.onnx', instances: { count: 2, mode: 'inline' } },
    ]);
  });

  it('takes batching: false, which turns off the engine\'s default batching of a model with a batch dimension', () => {
    expect(parseServeConfig({ models: [{ name: 'a', source: '/m', batching: false }] }).models).toEqual([{ name: 'a', source: '/m', batching: false }]);
  });

  it.each([
    [{ port: 70000 }, 'config.port:'],
    [{ models: [{ name: 'a', source: 'x', task: 'summarise' }] }, 'config.models[0].task:'],
    [{ models: [{ name: 'a b', source: 'x' }] }, 'config.models[0].name:'],
    [{ models: [{ name: 'a', source: 'x', batching: { maxBatchSize: 0, maxQueueDelayMs: 1 } }] }, 'config.models[0].batching.maxBatchSize:'],
    [{ models: [{ name: 'a', source: 'x', batching: { maxBatchSize: 4 } }] }, 'config.models[0].batching.maxQueueDelayMs: Invalid input: expected number'],
    [{ models: [{ name: 'a', source: 'x', batching: { maxBatchSize: 'x', maxQueueDelayMs: 1 } }] }, 'config.models[0].batching.maxBatchSize: Invalid input: expected number'],
    [{ models: [{ name: 'a', source: 'x', batching: { maxBatchSize: 4, maxQueueDelayMs: 1, wait: 2 } }] }, 'unknown key config.models[0].batching.wait'],
    [{ models: [{ name: 'a', source: 'x', batching: true }] }, 'config.models[0].batching: Invalid input'],
    [{ limits: { bodyLimit: 1 } }, 'unknown key config.limits.bodyLimit'],
    [{ apiKeys: ['short'] }, 'config.apiKeys[0]: an API key has at least 8 characters'],
    [{ models: [{ name: 'a', source: 'x' }, { name: 'a', source: 'y' }] }, 'config.models[1].name: "a" is given twice'],
  ])('names the bad key when given %j', (value, message) => {
    expect(() => parseServeConfig(value)).toThrow(message);
  });
});

describe('readServeConfig', () => {
  it('reads JSON and YAML files and names the file when it is malformed or missing', async () => {
    writeFileSync(join(tmp, 'a.json'), JSON.stringify({ port: 1234, models: [{ name: 'm', source: 'model' }] }));
    expect((await readServeConfig(join(tmp, 'a.json'))).models[0]!.source).toBe(join(tmp, 'model'));
    writeFileSync(join(tmp, 'b.yml'), 'port: 4321\n');
    expect((await readServeConfig(join(tmp, 'b.yml'))).port).toBe(4321);
    writeFileSync(join(tmp, 'c.yaml'), 'port: [1\n');
    await expect(readServeConfig(join(tmp, 'c.yaml'))).rejects.toThrow(/config ".*c\.yaml" is not valid YAML/);
    writeFileSync(join(tmp, 'd.json'), '{');
    await expect(readServeConfig(join(tmp, 'd.json'))).rejects.toThrow(/is not valid JSON/);
    await expect(readServeConfig(join(tmp, 'none.json'))).rejects.toThrow(/cannot read config ".*none\.json"/);
  });
});

describe('parseModelArgument', () => {
  it('names a model after its folder, file or hub repo unless a name is given', () => {
    expect(parseModelArgument('./models/minilm/', '/w')).toEqual({ name: 'minilm', source: '/w/models/minilm' });
    expect(parseModelArgument('/m/bert.onnx')).toEqual({ name: 'bert', source: '/m/bert.onnx' });
    expect(parseModelArgument('hf://org/repo@rev')).toEqual({ name: 'repo', source: 'hf://org/repo@rev' });
    expect(parseModelArgument('x=hf://org/repo')).toEqual({ name: 'x', source: 'hf://org/repo' });
  });

  it('refuses an argument without a source or a usable name', () => {
    expect(() => parseModelArgument(' ')).toThrow('has no source');
    expect(() => parseModelArgument('/')).toThrow('cannot name model "/"');
  });
});

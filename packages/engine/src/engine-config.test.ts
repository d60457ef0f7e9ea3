import { rejectionOf } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import { createEngine } from './engine';
import { parseEngineConfig } from './engine-config';
import { ControlledBackend } from './controlled-backend.fixture';
import { parseModelSpec } from './model-spec';

describe('parseEngineConfig', () => {
  it('applies defaults when the config is empty', () => {
    expect(parseEngineConfig()).toEqual({ fallback: true, fallbackOn: ['BACKEND_UNAVAILABLE', 'BACKEND_ERROR'], routing: 'priority', workerRunTimeoutMs: 60_000, closeTimeoutMs: 30_000 });
  });

  it('names the bad field when a value is invalid or unknown', async () => {
    expect(await rejectionOf(() => parseEngineConfig({ maxMemoryBytes: -1 }))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('config.maxMemoryBytes') });
    expect((await rejectionOf(() => parseEngineConfig({ backendPriority: ['a', ''] }))).message).toContain('config.backendPriority[1]');
    expect((await rejectionOf(() => parseEngineConfig({ maxMemoryByte: 5 }))).message).toContain('unknown option config.maxMemoryByte');
    expect((await rejectionOf(() => parseEngineConfig({ routing: 'random' }))).message).toContain('config.routing');
  });
});

describe('parseModelSpec', () => {
  it('names the bad field when a spec is invalid', async () => {
    expect((await rejectionOf(() => parseModelSpec({ source: 'x', instances: { count: 0, mode: 'inline' } }))).message).toContain('spec.instances.count');
    expect((await rejectionOf(() => parseModelSpec({ source: 'x', batching: { maxBatchSize: 4 } }))).message).toContain('spec.batching.maxQueueDelayMs');
    expect((await rejectionOf(() => parseModelSpec({}))).message).toContain('spec.source');
    expect((await rejectionOf(() => parseModelSpec({ replicas: [{ backend: 'a', source: 'x' }, { backend: 'b' }] }))).message).toContain('spec.replicas[1].source');
    expect((await rejectionOf(() => parseModelSpec({ source: 'x', backends: ['a'], replicas: [{ backend: 'a' }] }))).message).toContain('not both');
    expect((await rejectionOf(() => parseModelSpec({ source: 'x', lazzy: true }))).message).toContain('spec.lazzy');
  });

  it('accepts every source form and fills instance defaults', () => {
    expect(parseModelSpec({ source: { bytes: new Uint8Array(2) }, instances: {} }).instances).toEqual({ count: 1, mode: 'inline' });
    expect(parseModelSpec({ source: { path: '/x', format: 'onnx' } }).source).toEqual({ path: '/x', format: 'onnx' });
  });
});

describe('createEngine', () => {
  it('refuses bad options with INVALID_INPUT naming the field', async () => {
    expect((await rejectionOf(() => createEngine({} as never))).message).toContain('backends');
    expect((await rejectionOf(() => createEngine({ backends: [{}] as never }))).message).toContain('backends[0]');
    expect((await rejectionOf(() => createEngine({ backends: [new ControlledBackend(), new ControlledBackend()] }))).message).toContain('two backends are named "ctl"');
    expect((await rejectionOf(() => createEngine({ backends: [], config: { admissionCapacity: 0 } }))).message).toContain('config.admissionCapacity');
  });

  it('rejects bad model names when loading', async () => {
    const engine = createEngine({ backends: [new ControlledBackend()] });
    await expect(engine.load('', { source: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(engine.load('m@0', { source: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('"m@0"') });
    await expect(engine.load('m@1x', { source: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await engine.close();
  });
});

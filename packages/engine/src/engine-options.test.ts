import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejectionOf } from '@inferox/core/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from './engine';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';

const temp = mkdtempSync(join(tmpdir(), 'inferox-engine-options-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('Engine options', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  async function ready(): Promise<{ engine: Engine<ControlledLoadOptions>; ctl: ControlledBackend }> {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    return { engine, ctl };
  }

  it('answers INVALID_INPUT naming options.signal, queues nothing and keeps serving when the signal is not an AbortSignal', async () => {
    const { engine, ctl } = await ready();
    const error = await rejectionOf(engine.infer('m', feedsOf(1), { signal: {} as AbortSignal }));
    expect([error.code, error.message]).toEqual(['INVALID_INPUT', 'options.signal: must be an AbortSignal, got an object']);
    expect(ctl.runs).toHaveLength(0);
    // Before the fix the request stayed queued and crashed the process when it ran; now the next one simply runs.
    expect((await engine.infer('m', feedsOf(2))).outputs.y!.shape).toEqual([1, 2]);
    expect(engine.stats().requests).toMatchObject({ queued: 0, inFlight: 0, failed: { INVALID_INPUT: 1 } });
  });

  it.each([
    [null, 'options: options must be an object, got null'],
    ['fast', 'options: options must be an object, got "fast"'],
    [{ timeoutMs: 0 }, 'options.timeoutMs: must be a number of milliseconds > 0, got 0'],
    [{ timeoutMs: -1 }, 'options.timeoutMs: must be a number of milliseconds > 0, got -1'],
    [{ timeoutMs: '100' }, 'options.timeoutMs: must be a number of milliseconds > 0, got "100"'],
    [{ priority: 'urgent' }, 'options.priority: must be one of critical, high, normal, low, got "urgent"'],
    [{ cost: -1 }, 'options.cost: must be a finite number ≥ 0, got -1'],
    [{ deadline: 'soon' }, 'options.deadline: must be epoch milliseconds, got "soon"'],
    [{ backend: 7 }, 'options.backend: must be a backend name, got 7'],
    [{ metadata: { backend: 1 } }, 'options.metadata.backend: must be a string, got 1'],
    [{ timeout: 100 }, 'unknown option options.timeout; known: signal, backend, priority, timeoutMs, deadline, metadata, cost'],
  ])('answers INVALID_INPUT before queueing when infer options are %j', async (options, message) => {
    const { engine, ctl } = await ready();
    const error = await rejectionOf(engine.infer('m', feedsOf(1), options as never));
    expect([error.code, error.message]).toEqual(['INVALID_INPUT', message]);
    expect(ctl.runs).toHaveLength(0);
  });

  it('refuses bad options of inferBatch, inferStream and session at once, not per item', async () => {
    const { engine } = await ready();
    expect((await rejectionOf(engine.inferBatch('m', [feedsOf(1)], { timeoutMs: -5 }))).message).toContain('options.timeoutMs');
    expect(() => engine.inferStream('m', [feedsOf(1)], { signal: 'stop' as never })).toThrow(/options\.signal: must be an AbortSignal, got "stop"/);
    expect(() => engine.session('m', { priority: 'asap' as never })).toThrow(/defaults\.priority/);
  });

  it('answers INVALID_INPUT naming the option when load, register, unload, close or createEngine get a bad one', async () => {
    expect(() => createEngine({ backends: [], logs: true } as never)).toThrow(/unknown option createEngine options\.logs/);
    const { engine } = await ready();
    expect((await rejectionOf(engine.load('n', { source: 'n' }, { signal: 5 } as never))).message).toBe('options.signal: must be an AbortSignal, got 5');
    expect((await rejectionOf(engine.load('n', { source: 'n' }, { timeoutMs: 5 } as never))).message).toContain('unknown option options.timeoutMs');
    expect((await rejectionOf(engine.register('n', {} as never, { version: 0 }))).message).toBe('options.version: must be a positive integer, got 0');
    expect((await rejectionOf(engine.unload('m', { timeoutMs: 'soon' } as never))).message).toContain('options.timeoutMs');
    const badClose = await rejectionOf(engine.close({ drain: 'yes' } as never));
    expect([badClose.code, badClose.message]).toEqual(['INVALID_INPUT', 'options.drain: must be a boolean, got "yes"']);
    // A refused close closes nothing.
    expect(engine.closed).toBe(false);
    expect((await engine.infer('m', feedsOf(1))).backend).toBe('ctl');
  });

  it('says in info() that memory is estimated, and from what, when the backend reports none', async () => {
    const file = join(temp, 'model.onnx');
    writeFileSync(file, new Uint8Array(1000));
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    const info = await engine.load('est', { source: file, options: { memoryBytes: 0 } });
    expect(info.memory).toEqual({ bytes: 1200, estimated: true, basis: 'weights size × 1.2' });
    expect(info.replicas[0]!.memory).toEqual({ bytes: 1200, estimated: true, basis: 'weights size × 1.2' });
    const reported = await engine.load('rep', { source: file, options: { memoryBytes: 77 } });
    expect(reported.memory).toEqual({ bytes: 77, estimated: false });
    expect(engine.stats().memory.heldBytes).toBe(1277);
  });
});

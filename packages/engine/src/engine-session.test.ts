import { isInferoxError } from '@inferox/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from './engine';
import { ControlledBackend, feedsOf } from './controlled-backend.fixture';
import { createSessionKey } from './session-key';

const turns = createSessionKey('turns', (v): v is number => typeof v === 'number');
const turnsAsText = createSessionKey('turns', (v): v is string => typeof v === 'string');
const history = createSessionKey('history', (v): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string'));

describe('EngineSession', () => {
  let engine: Engine;
  afterEach(async () => {
    await engine.close();
  });

  async function setup(): Promise<void> {
    const a = new ControlledBackend({ name: 'a' });
    const b = new ControlledBackend({ name: 'b' });
    engine = createEngine({ backends: [a, b] });
    await engine.load('m', { source: 'm', backends: ['a', 'b'] });
  }

  it('keeps typed state per session, isolated from other sessions', async () => {
    await setup();
    const one = engine.session('m');
    const two = engine.session('m');
    expect(one.id).not.toBe(two.id);
    one.set(turns, 3);
    one.set(history, ['hi']);
    const n: number | undefined = one.get(turns);
    expect(n).toBe(3);
    expect(two.get(turns)).toBeUndefined();
    expect(one.has(history)).toBe(true);
    expect(one.delete(history)).toBe(true);
    expect(one.has(history)).toBe(false);
    one.clear();
    expect(one.get(turns)).toBeUndefined();
  });

  it('throws INVALID_INPUT instead of returning a value of the wrong type', async () => {
    await setup();
    const s = engine.session('m');
    expect(() => s.set(turns, 'three' as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('"turns"') }));
    s.set(turns, 3);
    let error: unknown;
    try {
      s.get(turnsAsText);
    } catch (e) {
      error = e;
    }
    expect(isInferoxError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toContain('got number');
    s.set(turnsAsText, 'three');
    expect(s.get(turnsAsText)).toBe('three');
    expect(() => s.set(history, null as never)).toThrow(/got null/);
    expect(() => s.set(history, [1] as never)).toThrow(/got array/);
  });

  it('runs requests on its model with its defaults', async () => {
    await setup();
    const s = engine.session('m', { backend: 'b' });
    expect(s.model).toBe('m');
    expect((await s.infer(feedsOf(1))).backend).toBe('b');
    expect((await s.infer(feedsOf(1), { backend: 'a' })).backend).toBe('a');
    expect(() => engine.session('nope')).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FOUND' }));
  });
});

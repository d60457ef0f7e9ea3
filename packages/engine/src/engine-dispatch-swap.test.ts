import { ErrorCode } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { type Engine, createEngine } from './engine';

describe('Engine dispatch around a hot swap or unload', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('answers the error of the last replica when the model was unloaded while that replica ran', async () => {
    const a = new ControlledBackend({ name: 'a' });
    engine = createEngine({ backends: [a] });
    await engine.load('m', { source: 'm' });
    a.hold();
    const pending = rejectionOf(engine.infer('m', feedsOf(1)));
    await a.whenWaiting(1);
    const unloading = engine.unload('m');
    a.failNext(ErrorCode.BACKEND_ERROR);
    a.release();
    const error = await pending;
    expect([error.code, error.message]).toEqual(['BACKEND_ERROR', 'injected BACKEND_ERROR on a']);
    await unloading;
  });

  it('follows one hot swap only: when the swapped-in replica fails too, the request answers its error, though another swap came meanwhile', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => new ControlledBackend({ name })) as [ControlledBackend, ControlledBackend, ControlledBackend];
    const e = createEngine({ backends: [a, b, c] });
    engine = e;
    await e.load('m', { source: 'm', backends: ['a'] });
    a.hold();
    const pending = rejectionOf(e.infer('m', feedsOf(1)));
    await a.whenWaiting(1);
    await e.load('m', { source: 'm', backends: ['b'] });
    b.hold();
    a.failNext(ErrorCode.BACKEND_ERROR);
    a.release();
    await b.whenWaiting(1);
    await e.load('m', { source: 'm', backends: ['c'] });
    b.failNext(ErrorCode.BACKEND_ERROR);
    b.release();
    const error = await pending;
    expect([error.code, error.message]).toEqual(['BACKEND_ERROR', 'injected BACKEND_ERROR on b']);
    expect([a.runs.length, b.runs.length, c.runs.length]).toEqual([1, 1, 0]);
  });
});

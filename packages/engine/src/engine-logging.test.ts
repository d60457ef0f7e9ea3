import type { LogFields, Logger } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { ControlledBackend, feedsOf } from './controlled-backend.fixture';
import { createEngine } from './engine';

type Line = [level: 'info' | 'warn' | 'error', message: string, fields: LogFields | undefined];

/** A logger that keeps what the engine says at info level and above, in order. */
function recordingLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    debug: () => undefined,
    info: (message, fields) => void lines.push(['info', message, fields]),
    warn: (message, fields) => void lines.push(['warn', message, fields]),
    error: (message, fields) => void lines.push(['error', message, fields]),
  };
}

describe('Engine logging', () => {
  it('logs each load, hot swap, unload and the close with the model label and the facts of each', async () => {
    const logger = recordingLogger();
    const a = new ControlledBackend({ name: 'a' });
    const b = new ControlledBackend({ name: 'b' });
    const engine = createEngine({ backends: [a, b], logger });
    await engine.load('m', { source: 'm', backends: ['a', 'b'] });
    await engine.load('lazy', { source: 'l', lazy: true });
    await engine.load('m', { source: 'm', version: 2, backends: ['b'] });
    await engine.unload('lazy');
    await engine.close({ drain: false, timeoutMs: 500 });
    expect(logger.lines).toEqual([
      ['info', 'model loaded', { model: 'm@1', state: 'ready', backends: ['a', 'b'] }],
      ['info', 'model loaded', { model: 'lazy@1', state: 'lazy', backends: [] }],
      ['info', 'model loaded', { model: 'm@2', state: 'ready', backends: ['b'] }],
      ['info', 'model unloaded', { model: 'lazy' }],
      ['info', 'engine closing', { drain: false, timeoutMs: 500 }],
      ['info', 'engine closed', undefined],
    ]);
  });

  it('logs a hot swap of the version being served', async () => {
    const logger = recordingLogger();
    const engine = createEngine({ backends: [new ControlledBackend()], logger });
    await engine.load('m', { source: 'm' });
    await engine.load('m@1', { source: 'm', options: { factor: 2 } });
    expect(logger.lines.map(([level, message, fields]) => [level, message, fields?.model])).toEqual([
      ['info', 'model loaded', 'm@1'],
      ['info', 'model swapped', 'm@1'],
      ['info', 'model loaded', 'm@1'],
    ]);
    await engine.close();
  });

  it('warns with the model, backend, code and message when a replica fails and the request moves on', async () => {
    const logger = recordingLogger();
    const a = new ControlledBackend({ name: 'a' });
    const engine = createEngine({ backends: [a, new ControlledBackend({ name: 'b' })], logger });
    await engine.load('m', { source: 'm', backends: ['a', 'b'] });
    a.failNext('BACKEND_ERROR');
    expect((await engine.infer('m', feedsOf(1))).backend).toBe('b');
    expect(logger.lines.filter(([level]) => level === 'warn')).toEqual([
      ['warn', 'replica failed; trying another', { model: 'm@1', backend: 'a', code: 'BACKEND_ERROR', error: 'injected BACKEND_ERROR on a' }],
    ]);
    await engine.close();
  });

  it('warns naming the model and backend when close leaves an inline run behind', async () => {
    const logger = recordingLogger();
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl], logger });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const running = engine.infer('m', feedsOf(1)).catch((error: unknown) => error);
    await ctl.whenWaiting(1);
    await engine.close({ timeoutMs: 0 });
    expect(logger.lines.filter(([level]) => level === 'warn')).toEqual([
      ['warn', 'a run did not return in time; its handle is disposed when it does', { model: 'm', backend: 'ctl' }],
    ]);
    ctl.release();
    expect(await running).toMatchObject({ code: 'SHUT_DOWN' });
  });
});

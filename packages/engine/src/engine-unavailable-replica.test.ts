import type { LogFields, Logger } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { type Engine, createEngine } from './engine';
import type { EngineConfig } from './engine-config';

/** A logger that keeps the warnings. */
function recordingLogger(): Logger & { warnings: [string, LogFields | undefined][] } {
  const warnings: [string, LogFields | undefined][] = [];
  const none = (): void => undefined;
  return { warnings, debug: none, info: none, error: none, warn: (message, fields) => void warnings.push([message, fields]) };
}

const CAUSE = 'backend "down" failed to initialise: no runtime here';

describe('Engine with a replica whose backend failed to initialise', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  function start(config: EngineConfig = {}, logger?: Logger): Engine<ControlledLoadOptions> {
    engine = createEngine({ backends: [new ControlledBackend({ name: 'down', failInit: 'no runtime here' }), new ControlledBackend({ name: 'up' })], config, ...(logger ? { logger } : {}) });
    return engine;
  }

  it('loads on the other backend, shows the unavailable replica with its cause in info() and logs it', async () => {
    const logger = recordingLogger();
    const info = await start({}, logger).load('m', { source: 'm', backends: ['down', 'up'], instances: { count: 2, mode: 'inline' } });
    expect(info.replicas).toEqual([
      { backend: 'up', device: 'cpu', memoryBytes: 1000, memory: { bytes: 1000, estimated: false }, instances: { count: 2, mode: 'inline' }, queued: 0, running: 0 },
      { backend: 'down', device: 'none', memoryBytes: 0, memory: { bytes: 0, estimated: false }, instances: { count: 0, mode: 'inline' }, queued: 0, running: 0, unavailable: CAUSE },
    ]);
    expect([info.state, info.memoryBytes, info.memory]).toEqual(['ready', 1000, { bytes: 1000, estimated: false }]);
    expect(logger.warnings).toContainEqual(['replica unavailable: its backend failed to initialise', { model: 'm@1', backend: 'down', error: CAUSE }]);
  });

  it('falls back from a request for the unavailable backend to a live one, saying why, and counts the fallback', async () => {
    const e = start();
    await e.load('m', { source: 'm', backends: ['down', 'up'] });
    const result = await e.infer('m', feedsOf(1), { backend: 'down' });
    expect([result.backend, result.fellBack]).toEqual(['up', { from: 'down', reason: 'BACKEND_UNAVAILABLE', message: `the down replica of m@1 is unavailable: ${CAUSE}` }]);
    const plain = await e.infer('m', feedsOf(1));
    expect([plain.backend, plain.fellBack]).toEqual(['up', undefined]);
    expect(e.stats().requests.fallbacks).toBe(1);
  });

  it('refuses a request for the unavailable backend with its error when fallback is off', async () => {
    const e = start({ fallback: false });
    await e.load('m', { source: 'm', backends: ['down', 'up'] });
    const error = await rejectionOf(e.infer('m', feedsOf(1), { backend: 'down' }));
    expect([error.code, error.message, error.details]).toEqual(['BACKEND_UNAVAILABLE', `the down replica of m@1 is unavailable: ${CAUSE}`, { backend: 'down', model: 'm' }]);
    expect(e.stats().requests.fallbacks).toBe(0);
  });

  it('fails the load with every cause when no replica could load, and installs nothing', async () => {
    const e = start();
    const error = await rejectionOf(e.load('m', { source: 'm', backends: ['down'] }));
    expect([error.code, error.message, error.details]).toEqual(['BACKEND_UNAVAILABLE', `no replica of m@1 could load: ${CAUSE}`, { model: 'm', backends: ['down'] }]);
    expect((error.cause as Error).message).toBe(CAUSE);
    expect(e.list()).toEqual([]);
  });
});

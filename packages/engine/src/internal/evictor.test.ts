import type { Logger } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from '../controlled-backend.fixture';
import { type Engine, createEngine } from '../engine';

describe('reserveMemory (evictor)', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('says what is needed, the budget and that nothing is held when a load alone exceeds the budget', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 100 });
    engine = createEngine({ backends: [ctl], config: { maxMemoryBytes: 50 } });
    const error = await rejectionOf(engine.load('big', { source: 'big' }));
    expect([error.code, error.message, error.details]).toEqual([
      'OUT_OF_MEMORY',
      'loading big@1 on ctl needs 100 bytes; the budget is 50 bytes and 0 are held by nothing; nothing idle can be evicted',
      { needed: 100, budget: 50, held: 0 },
    ]);
    expect([ctl.live.size, engine.stats().memory.heldBytes]).toEqual([0, 0]);
  });

  it('lists every busy version with its bytes when nothing idle can be evicted', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 100 });
    engine = createEngine({ backends: [ctl], config: { maxMemoryBytes: 250 } });
    await engine.load('a', { source: 'a' });
    await engine.load('b', { source: 'b' });
    ctl.hold();
    const busy = [engine.infer('a', feedsOf(1)), engine.infer('b', feedsOf(2))];
    await ctl.whenWaiting(2);
    const error = await rejectionOf(engine.load('c', { source: 'c' }));
    expect([error.code, error.message, error.details]).toEqual([
      'OUT_OF_MEMORY',
      'loading c@1 on ctl needs 100 bytes; the budget is 250 bytes and 200 are held by a@1 100 B (busy), b@1 100 B (busy); nothing idle can be evicted',
      { needed: 100, budget: 250, held: 200 },
    ]);
    ctl.release();
    await Promise.all(busy);
  });

  it('evicts exactly as many least recently used idle versions as the load needs, logging each', async () => {
    const infos: [string, unknown][] = [];
    const logger: Logger = { debug: () => {}, info: (message, fields) => infos.push([message, fields]), warn: () => {}, error: () => {} };
    const ctl = new ControlledBackend({ memoryBytes: 100 });
    engine = createEngine({ backends: [ctl], logger, config: { maxMemoryBytes: 300 } });
    for (const name of ['a', 'b', 'c']) await engine.load(name, { source: name });
    await engine.infer('a', feedsOf(1));
    await engine.load('d', { source: 'd', options: { memoryBytes: 200 } });
    expect(infos.filter(([message]) => message === 'model evicted')).toEqual([
      ['model evicted', { model: 'b@1' }],
      ['model evicted', { model: 'c@1' }],
    ]);
    expect(engine.list().map((i) => `${i.name}:${i.state}`)).toEqual(['a:ready', 'b:evicted', 'c:evicted', 'd:ready']);
    expect(engine.stats()).toMatchObject({ evictions: 2, memory: { budgetBytes: 300, heldBytes: 300 } });
  });

  it('never evicts without a budget', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 1e12 });
    engine = createEngine({ backends: [ctl] });
    for (const name of ['a', 'b', 'c']) await engine.load(name, { source: name });
    expect(engine.list().map((i) => i.state)).toEqual(['ready', 'ready', 'ready']);
    expect(engine.stats()).toMatchObject({ evictions: 0, memory: { heldBytes: 3e12 } });
  });
});

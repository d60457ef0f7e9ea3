import type { TensorMap } from '@inferox/core';
import { thrownBy } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import type { InferOptions } from '../infer-options';
import type { InferResult } from '../infer-result';
import { createSessionKey } from '../session-key';
import { createEngineSession } from './create-engine-session';

const count = createSessionKey('count', (v): v is number => typeof v === 'number');
const countAsText = createSessionKey('count', (v): v is string => typeof v === 'string');

describe('createEngineSession', () => {
  it('passes infer to the engine with the session defaults under the call options', async () => {
    const calls: [string, TensorMap, InferOptions | undefined][] = [];
    const infer = async (name: string, feeds: TensorMap, options?: InferOptions): Promise<InferResult> => {
      calls.push([name, feeds, options]);
      return {} as InferResult;
    };
    const session = createEngineSession('s1', 'm', infer, { backend: 'a', priority: 'low' });
    expect([session.id, session.model]).toEqual(['s1', 'm']);
    const feeds = {};
    await session.infer(feeds, { priority: 'high' });
    await createEngineSession('s2', 'n', infer).infer(feeds);
    expect(calls).toEqual([
      ['m', feeds, { backend: 'a', priority: 'high' }],
      ['n', feeds, {}],
    ]);
  });

  it('keeps values by key name, and refuses a value of the wrong type on set and on get with INVALID_INPUT', () => {
    const session = createEngineSession('s1', 'm', () => Promise.reject(new Error('unused')));
    expect([session.get(count), session.has(count)]).toEqual([undefined, false]);
    session.set(count, 2);
    expect([session.get(count), session.has(count)]).toEqual([2, true]);
    const onGet = thrownBy(() => session.get(countAsText));
    expect([onGet.code, onGet.message, onGet.details]).toEqual(['INVALID_INPUT', 'session s1: value of key "count" is not of the key\'s type (got number)', { key: 'count', given: 'number' }]);
    for (const [value, given] of [
      [null, 'null'],
      [[1], 'array'],
      ['x', 'string'],
    ] as const) {
      const onSet = thrownBy(() => session.set(count, value as never));
      expect([onSet.message, onSet.details]).toEqual([`session s1: value of key "count" is not of the key's type (got ${given})`, { key: 'count', given }]);
    }
    expect(session.get(count)).toBe(2);
    expect([session.delete(count), session.delete(count), session.has(count)]).toEqual([true, false, false]);
    session.set(count, 3);
    session.clear();
    expect(session.has(count)).toBe(false);
  });
});

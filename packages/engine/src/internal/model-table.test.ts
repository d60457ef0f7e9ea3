import { type InferoxError, isInferoxError } from '@inferox/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelTable } from './model-table';
import type { Replica } from './replica';

/** What `fn` threw: code, message and details. */
function refusal(fn: () => unknown): [string, string, unknown] {
  try {
    fn();
  } catch (error) {
    if (!isInferoxError(error)) throw error;
    return [error.code, error.message, (error as InferoxError).details];
  }
  throw new Error('expected a throw');
}

/** A table holding `name@version` entries, each installed. */
function tableWith(...labels: string[]): ModelTable {
  const table = new ModelTable();
  for (const text of labels) {
    const [name, version] = text.split('@') as [string, string];
    table.install(table.create(name, Number(version), 'ready'));
  }
  return table;
}

describe('ModelTable', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('creates entries stamped now with a strictly increasing recency, and touch restamps them', () => {
    const table = new ModelTable();
    const spec = { source: 'a' };
    const a = table.create('a', 1, 'lazy', spec);
    const b = table.create('b', 2, 'loading');
    expect(a).toEqual({ name: 'a', version: 1, spec, state: 'lazy', replicas: [], lastUsedAt: 1_000, recency: 1, removed: false, inflight: 0 });
    expect(b).toEqual({ name: 'b', version: 2, state: 'loading', replicas: [], lastUsedAt: 1_000, recency: 2, removed: false, inflight: 0 });
    expect('spec' in b).toBe(false);
    vi.advanceTimersByTime(500);
    table.touch(a);
    expect([a.lastUsedAt, a.recency, b.recency]).toEqual([1_500, 3, 2]);
  });

  it('resolves the newest version by default and a named one on request', () => {
    const table = tableWith('m@2', 'm@10', 'm@9', 'other@1');
    expect(table.resolve('m').version).toBe(10);
    expect(table.resolve('m', 9).version).toBe(9);
    expect(table.newest('m')).toBe(10);
    expect(table.newest('none')).toBeUndefined();
    expect(table.versionsOf('m')).toEqual([2, 9, 10]);
    expect(table.versionsOf('none')).toEqual([]);
    expect(table.current('m', 2)?.version).toBe(2);
    expect(table.current('m', 3)).toBeUndefined();
    expect(table.current('none', 1)).toBeUndefined();
  });

  it('answers MODEL_NOT_FOUND listing every model, versions spelled out where a name has several', () => {
    expect(refusal(() => tableWith('b@1', 'a@1', 'a@2').resolve('c'))).toEqual([
      'MODEL_NOT_FOUND',
      'model "c" is not loaded; the engine has "b", "a@1", "a@2"',
      { model: 'c', models: ['b', 'a@1', 'a@2'] },
    ]);
    expect(refusal(() => new ModelTable().resolve('c'))).toEqual(['MODEL_NOT_FOUND', 'model "c" is not loaded; the engine has no models', { model: 'c', models: [] }]);
    expect(refusal(() => tableWith('a@10', 'a@9').resolve('a', 3))).toEqual([
      'MODEL_NOT_FOUND',
      'model "a@3" is not loaded; it has versions 9, 10',
      { model: 'a@3', models: ['a@10', 'a@9'] },
    ]);
  });

  it('treats a name whose last version was removed as unknown', () => {
    const table = tableWith('a@1');
    table.remove(table.resolve('a'));
    expect(refusal(() => table.resolve('a'))[1]).toBe('model "a" is not loaded; the engine has no models');
    expect([table.newest('a'), table.entries()]).toEqual([undefined, []]);
  });

  it('installs over the same version returning the entry it replaces, and removes only the entry installed', () => {
    const table = new ModelTable();
    const first = table.create('a', 1, 'ready');
    const second = table.create('a', 1, 'ready');
    expect(table.install(first)).toBeUndefined();
    expect(table.install(second)).toBe(first);
    table.remove(first);
    expect(table.resolve('a')).toBe(second);
    table.install(table.create('a', 2, 'ready'));
    table.remove(second);
    expect(table.versionsOf('a')).toEqual([2]);
    table.remove(table.create('zzz', 1, 'ready'));
    expect(table.entries().map((e) => `${e.name}@${e.version}`)).toEqual(['a@2']);
  });

  it('takes one version or every version of a name, and refuses what is not there', () => {
    const table = tableWith('a@1', 'a@2', 'b@1');
    expect(table.take('a@2', 'a', 2).map((e) => e.version)).toEqual([2]);
    expect(table.versionsOf('a')).toEqual([1]);
    expect(refusal(() => table.take('a@5', 'a', 5))).toEqual(['MODEL_NOT_FOUND', 'model "a@5" is not loaded; it has versions 1', { model: 'a@5', models: ['a', 'b'] }]);
    expect(table.take('a', 'a').map((e) => e.version)).toEqual([1]);
    expect(refusal(() => table.take('a', 'a'))).toEqual(['MODEL_NOT_FOUND', 'model "a" is not loaded; the engine has "b"', { model: 'a', models: ['b'] }]);
    expect(table.entries().map((e) => e.name)).toEqual(['b']);
  });

  it('lists entries by name then version, clears them all, and gathers the replicas of every entry', () => {
    const table = tableWith('b@2', 'a@10', 'b@1', 'a@9');
    expect(table.entries().map((e) => `${e.name}@${e.version}`)).toEqual(['a@9', 'a@10', 'b@1', 'b@2']);
    const [r1, r2, r3] = [{ backend: 'x' }, { backend: 'y' }, { backend: 'z' }] as unknown as Replica[];
    table.resolve('a', 9).replicas = [r1!, r2!];
    table.resolve('b', 1).replicas = [r3!];
    expect(table.liveReplicas()).toEqual(expect.arrayContaining([r1, r2, r3]));
    expect(table.liveReplicas()).toHaveLength(3);
    expect(table.clear().map((e) => `${e.name}@${e.version}`).sort()).toEqual(['a@10', 'a@9', 'b@1', 'b@2']);
    expect([table.entries(), table.liveReplicas(), table.clear()]).toEqual([[], [], []]);
  });
});

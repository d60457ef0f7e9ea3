import { thrownBy } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import { parseModelName } from './model-name';

describe('parseModelName', () => {
  it('splits name@version at the last @ and keeps a name without one (or starting with one) whole', () => {
    expect(parseModelName('bert')).toEqual({ name: 'bert' });
    expect(parseModelName('bert@2')).toEqual({ name: 'bert', version: 2 });
    expect(parseModelName('org@team/bert@10')).toEqual({ name: 'org@team/bert', version: 10 });
    expect(parseModelName('@scoped')).toEqual({ name: '@scoped' });
  });

  it('refuses a name that is not a non-empty string, with INVALID_INPUT showing it', () => {
    for (const [bad, shown] of [
      ['', '""'],
      ['   ', '"   "'],
      [7, '7'],
      [undefined, 'undefined'],
    ] as const) {
      const error = thrownBy(() => parseModelName(bad));
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', `model name must be a non-empty string, got ${shown}`, { name: bad }]);
    }
  });

  it('refuses a version after @ that is not a positive integer written in digits', () => {
    for (const bad of ['m@0', 'm@-1', 'm@1.5', 'm@', 'm@x', 'm@1e3', 'm@ 2', 'm@9007199254740993']) {
      const error = thrownBy(() => parseModelName(bad));
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', `model name ${JSON.stringify(bad)}: the version after @ must be a positive integer`, { name: bad }]);
    }
    expect(parseModelName('m@01')).toEqual({ name: 'm', version: 1 });
  });
});

import { thrownBy } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { firstBadField, parseWith } from './parse-with';

const schema = z.strictObject({ count: z.number().int().positive(), list: z.array(z.strictObject({ name: z.string() })).optional() });

describe('parseWith', () => {
  it('returns the parsed value', () => {
    expect(parseWith(schema, { count: 2 }, 'spec')).toEqual({ count: 2 });
  });

  it('names the first bad field as a dotted path under what, array indexes in brackets, with every issue in details', () => {
    const error = thrownBy(() => parseWith(schema, { count: 0, list: [{ name: 'a' }, { name: 3 }] }, 'spec'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/^spec\.count: /);
    const details = error.details as { field: string; issues: { path: string[]; message: string }[] };
    expect(details.field).toBe('spec.count');
    expect(details.issues.map((i) => i.path)).toEqual([['count'], ['list', '1', 'name']]);
    expect(details.issues.every((i) => typeof i.message === 'string' && i.message.length > 0)).toBe(true);
    const nested = thrownBy(() => parseWith(schema, { count: 1, list: [{ name: 3 }] }, 'spec'));
    expect((nested.details as { field: string }).field).toBe('spec.list[0].name');
    expect(nested.message).toMatch(/^spec\.list\[0\]\.name: /);
  });

  it('reports an unknown key as an unknown option naming it', () => {
    const top = thrownBy(() => parseWith(schema, { count: 1, cuont: 2 }, 'config'));
    expect([top.message, (top.details as { field: string }).field]).toEqual(['unknown option config.cuont', 'config.cuont']);
    const inner = thrownBy(() => parseWith(schema, { count: 1, list: [{ name: 'a', nmae: 'b' }] }, 'spec'));
    expect([inner.message, (inner.details as { field: string }).field]).toEqual(['unknown option spec.list[0].nmae', 'spec.list[0].nmae']);
  });

  it('names the field inside the branch of a union the value was meant for, and the union itself when no branch fits', () => {
    const union = z.strictObject({ batching: z.union([z.literal(false), z.strictObject({ maxBatchSize: z.number().int().positive() })]).optional() });
    const inner = thrownBy(() => parseWith(union, { batching: { maxBatchSize: 0 } }, 'spec'));
    expect([inner.message.split(':')[0], (inner.details as { field: string }).field]).toEqual(['spec.batching.maxBatchSize', 'spec.batching.maxBatchSize']);
    const unknown = thrownBy(() => parseWith(union, { batching: { maxBatchSize: 2, maxBatchSise: 2 } }, 'spec'));
    expect(unknown.message).toBe('unknown option spec.batching.maxBatchSise');
    const neither = thrownBy(() => parseWith(union, { batching: true }, 'spec'));
    expect((neither.details as { field: string }).field).toBe('spec.batching');
    expect(parseWith(union, { batching: false }, 'spec')).toEqual({ batching: false });
  });
});

describe('firstBadField', () => {
  it('names the field, the unknown key apart, and the problem, inside the union branch that was meant', () => {
    const union = z.strictObject({ batching: z.union([z.literal(false), z.strictObject({ maxBatchSize: z.number() })]) });
    const fail = (value: unknown) => firstBadField(union.safeParse(value).error!, 'config');
    expect(fail({ batching: { maxBatchSize: 'x' } })).toEqual({ field: 'config.batching.maxBatchSize', problem: expect.stringContaining('expected number') });
    expect(fail({ batching: { maxBatchSize: 1, wait: 2 } })).toEqual({ field: 'config.batching.wait', unknownKey: 'wait', problem: expect.any(String) });
  });
});

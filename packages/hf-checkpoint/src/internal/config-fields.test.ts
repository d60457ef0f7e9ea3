import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldError, parseFields } from './config-fields';
import { thrownBy } from '@inferox/core/testing';

describe('parseFields', () => {
  it('names a nested field by its dotted path and quotes what it held, with file and field in the details', () => {
    const error = thrownBy(() => parseFields(z.object({ a: z.object({ b: z.number() }) }), { a: { b: 'x' } }, '/c/config.json'));
    expect(error.message).toMatch(/^\/c\/config\.json: field "a\.b" .+, got "x"$/);
    expect(error.details).toEqual({ file: '/c/config.json', field: 'a.b' });
  });

  it('names the root when the whole value is wrong', () => {
    const error = thrownBy(() => parseFields(z.object({ a: z.number() }).strict(), { a: 1, b: 2 }, '/c/config.json'));
    expect(error.details).toEqual({ file: '/c/config.json', field: '(root)' });
  });

  it('says nothing was given when the field is absent', () => {
    expect(thrownBy(() => parseFields(z.object({ a: z.object({ b: z.number() }) }), {}, '/c/x.json')).message).toMatch(/field "a" .+, got nothing$/);
  });
});

describe('fieldError', () => {
  it('writes file, field, message and the value', () => {
    const error = fieldError('/c/config.json', 'hidden_size', 'must be a positive integer', [4, 0]);
    expect([error.code, error.message, error.details]).toEqual(['PACKAGE_INVALID', '/c/config.json: field "hidden_size" must be a positive integer, got [4,0]', { file: '/c/config.json', field: 'hidden_size' }]);
  });
});

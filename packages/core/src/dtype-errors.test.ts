import { describe, expect, it } from 'vitest';
import { DTYPES, MAX_STRING_ELEMENTS, type DType, allocData, dtypeFromV2, dtypeInfo } from './dtype';
import { thrown } from './internal/thrown.fixture';

describe('dtype errors', () => {
  it('names an unknown dtype, cut or quoted, with the list of known ones', () => {
    const error = thrown(() => dtypeInfo('nope' as DType));
    expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', `unknown dtype "nope"; expected one of ${DTYPES.join(', ')}`, { dtype: 'nope' }]);
    expect(thrown(() => dtypeInfo(5 as unknown as DType)).details).toEqual({ dtype: '5' });
    expect(thrown(() => dtypeInfo('x'.repeat(300) as DType)).details!.dtype).not.toBe('x'.repeat(300));
  });

  it('refuses a length that is not a non-negative integer, with dtype and length in the details', () => {
    for (const length of [-1, 1.5]) {
      const error = thrown(() => allocData('float32', length));
      expect([error.message, error.details]).toEqual([`cannot allocate ${length} elements of float32: need a non-negative integer`, { dtype: 'float32', length }]);
    }
  });

  it('allocates exactly the limit of string elements, all empty', () => {
    const strings = allocData('string', MAX_STRING_ELEMENTS);
    expect([strings.length, strings[0], strings[MAX_STRING_ELEMENTS - 1]]).toEqual([MAX_STRING_ELEMENTS, '', '']);
  });

  it('refuses one string element over the limit, with the limit in the details', () => {
    const error = thrown(() => allocData('string', MAX_STRING_ELEMENTS + 1));
    expect(error.details).toEqual({ dtype: 'string', length: MAX_STRING_ELEMENTS + 1, limit: MAX_STRING_ELEMENTS });
    expect(error.message).toContain(`cannot allocate ${MAX_STRING_ELEMENTS + 1} string elements`);
  });

  it('names the bytes a typed array too large to allocate would take', () => {
    const error = thrown(() => allocData('float64', 2 ** 40));
    expect(error.message).toContain(`cannot allocate ${2 ** 40} elements of float64 (${2 ** 43} bytes)`);
    expect(error.details).toEqual({ dtype: 'float64', length: 2 ** 40 });
  });

  it('names an unknown v2 datatype, own keys of the table only', () => {
    const error = thrown(() => dtypeFromV2('FP8'));
    expect(error.message).toMatch(/^unknown v2 datatype "FP8"; expected one of BOOL, /);
    expect(error.details).toEqual({ datatype: 'FP8' });
    expect(thrown(() => dtypeFromV2('toString')).details).toEqual({ datatype: 'toString' });
  });

  it('refuses a v2 datatype that is not a string even when it reads as a known name', () => {
    // A JSON request may carry "datatype": ["FP32"]; as an object key that array would read as "FP32".
    const datatype = ['FP32'] as unknown as string;
    const error = thrown(() => dtypeFromV2(datatype));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/^unknown v2 datatype an array of 1; expected one of BOOL, /);
    expect(error.details).toEqual({ datatype });
  });
});

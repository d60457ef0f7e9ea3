import { describe, expect, it } from 'vitest';
import { bertFeeds } from './bert-feeds';

describe('bertFeeds', () => {
  it('builds equal Inferox and onnxruntime feeds of batch × seq with CLS/SEP around word ids', () => {
    const f = bertFeeds(2, 5);
    for (const name of ['input_ids', 'attention_mask', 'token_type_ids']) {
      expect(f.core[name]!.shape).toEqual([2, 5]);
      expect(f.ort[name]!.dims).toEqual([2, 5]);
      expect([...(f.ort[name]!.data as BigInt64Array)]).toEqual([...(f.core[name]!.data as BigInt64Array)]);
    }
    const ids = [...(f.core.input_ids!.data as BigInt64Array)];
    expect(ids[0]).toBe(101n);
    expect(ids[4]).toBe(102n);
    expect(ids[5]).toBe(101n);
    expect(ids.filter((v) => v !== 101n && v !== 102n).every((v) => v >= 1000n && v < 29000n)).toBe(true);
    expect([...(f.core.attention_mask!.data as BigInt64Array)].every((v) => v === 1n)).toBe(true);
  });

  it('shares no array between the two sides', () => {
    const f = bertFeeds(1, 3);
    expect(f.core.input_ids!.data).not.toBe(f.ort.input_ids!.data);
  });
});

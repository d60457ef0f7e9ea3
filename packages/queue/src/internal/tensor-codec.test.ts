import { Tensor } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTensors, encodeTensors } from './tensor-codec';

async function expectThrows(run: () => unknown, code: string, message: RegExp): Promise<void> {
  const error = await rejectionOf(run);
  expect(error.code, error.message).toBe(code);
  expect(error.message).toMatch(message);
}

describe('encodeTensors / decodeTensors', () => {
  it('round-trips every dtype bit for bit, strings included', () => {
    const tensors = {
      f32: Tensor.from('float32', [1.5, -2, Number.NaN, 0], [2, 2]),
      f64: Tensor.from('float64', [Math.PI], [1]),
      i64: Tensor.from('int64', new BigInt64Array([-(2n ** 62n), 7n]), [2]),
      u8: Tensor.from('uint8', [0, 255], [2]),
      b: Tensor.from('bool', [1, 0, 1], [3]),
      f16: Tensor.from('float16', new Uint16Array([0x3c00]), [1]),
      s: Tensor.from('string', ['héllo', '', '🙂'], [3]),
      empty: Tensor.from('float32', [], [0, 4]),
    };
    const back = decodeTensors(encodeTensors(tensors), 'test');
    expect(Object.keys(back)).toEqual(Object.keys(tensors));
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name]!.dtype).toBe(t.dtype);
      expect(back[name]!.shape).toEqual(t.shape);
      expect(back[name]!.data).toEqual(t.data);
    }
  });

  it('sends bytes, not JSON numbers, when a float32 tensor is encoded', () => {
    const frame = encodeTensors({ x: Tensor.from('float32', new Float32Array(1000).fill(0.1234567), [1000]) });
    expect(frame.byteLength).toBeLessThan(4000 + 200);
    expect(frame.toString('latin1')).not.toContain('0.1234567');
  });

  it('refuses a feed that is not a Tensor, naming it', async () => {
    await expectThrows(() => encodeTensors({ bad: [1, 2] as never }), 'INVALID_INPUT', /bad/);
  });

  it.each([
    ['a short frame', Buffer.from([1, 0])],
    ['a header past the end', Buffer.from([200, 0, 0, 0, 91])],
    ['a header that is not JSON', Buffer.concat([Buffer.from([1, 0, 0, 0]), Buffer.from('{')])],
    ['a header that is not an array', Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.from('{}')])],
  ])('refuses %s with INVALID_INPUT naming the source', async (_what, bytes) => {
    await expectThrows(() => decodeTensors(bytes, 'job 7 feeds'), 'INVALID_INPUT', /job 7 feeds/);
  });

  it('refuses headers whose entries lie about dtype, shape or byte length', async () => {
    const frame = (entries: unknown, body = Buffer.alloc(0)): Buffer => {
      const header = Buffer.from(JSON.stringify(entries));
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32LE(header.byteLength);
      return Buffer.concat([prefix, header, body]);
    };
    await expectThrows(() => decodeTensors(frame([{ name: 'x', dtype: 'complex', shape: [1], bytes: 0 }]), 's'), 'INVALID_INPUT', /unknown dtype "complex"/);
    await expectThrows(() => decodeTensors(frame([{ name: 'x', dtype: 'float32', shape: [-1], bytes: 0 }]), 's'), 'INVALID_INPUT', /bad shape/);
    await expectThrows(() => decodeTensors(frame([{ name: 'x', dtype: 'float32', shape: [2], bytes: 4 }], Buffer.alloc(4)), 's'), 'INVALID_INPUT', /4 bytes for shape \[2\]/);
    await expectThrows(() => decodeTensors(frame([{ name: 'x', dtype: 'float32', shape: [1], bytes: 4 }]), 's'), 'INVALID_INPUT', /past the end/);
    await expectThrows(() => decodeTensors(frame([{ name: 'x', dtype: 'float32', shape: [1], bytes: 4 }], Buffer.alloc(6)), 's'), 'INVALID_INPUT', /2 bytes after/);
    await expectThrows(() => decodeTensors(frame([{ name: 'x', dtype: 'string', shape: [2], bytes: 5 }], Buffer.from('["a"]')), 's'), 'INVALID_INPUT', /does not hold 2 strings/);
    await expectThrows(() => decodeTensors(frame([null]), 's'), 'INVALID_INPUT', /not an object/);
    const one = { name: 'x', dtype: 'uint8', shape: [1], bytes: 1 };
    await expectThrows(() => decodeTensors(frame([one, one], Buffer.alloc(2)), 's'), 'INVALID_INPUT', /appears twice/);
  });

  it('never crashes on arbitrary bytes: it decodes or throws INVALID_INPUT', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeTensors(bytes, 'fuzz');
        } catch (error) {
          expect((error as { code?: string }).code).toBe('INVALID_INPUT');
        }
      }),
    );
  });

  it('round-trips arbitrary float32 tensors', () => {
    fc.assert(
      fc.property(fc.array(fc.float(), { maxLength: 64 }), (values) => {
        const back = decodeTensors(encodeTensors({ v: Tensor.from('float32', Float32Array.from(values), [values.length]) }), 'p');
        expect(back.v!.data).toEqual(Float32Array.from(values));
      }),
    );
  });
});

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DType, byteSizeOf } from './dtype';
import { InferoxError } from './inferox-error';
import {
  SAFETENSORS_DTYPES,
  SAFETENSORS_MAX_HEADER_BYTES,
  type SafetensorsInput,
  parseSafetensors,
  parseSafetensorsHeader,
  safetensorsHeaderSize,
  serializeSafetensors,
} from './safetensors';
import { thrown } from './internal/thrown.fixture';

const FIXTURE = resolve(import.meta.dirname, '../../../fixtures/tiny-bert-hf/model.safetensors');

/** A file with the given header (JSON text or object) and data section. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function parseError(bytes: Uint8Array, source?: string): InferoxError {
  const error = thrown(() => parseSafetensors(bytes, source));
  expect(error.code).toBe('PACKAGE_INVALID');
  return error;
}

describe('parseSafetensors', () => {
  it('reads header, metadata and zero-copy views when the file is well formed', () => {
    const data = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
    const bytes = file(
      {
        __metadata__: { format: 'pt' },
        w: { dtype: 'F32', shape: [2, 1], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] },
        e: { dtype: 'I64', shape: [0, 3], data_offsets: [16, 16] },
      },
      data,
    );
    const parsed = parseSafetensors(bytes, 'model.safetensors');
    expect(parsed.metadata).toEqual({ format: 'pt' });
    expect([...parsed.tensors.keys()]).toEqual(['w', 'b', 'e']);
    const w = parsed.tensors.get('w')!;
    expect(w).toMatchObject({ name: 'w', dtype: 'float32', fileDtype: 'F32', shape: [2, 1] });
    expect(w.bytes.buffer).toBe(bytes.buffer);
    expect(Array.from(new Float32Array(w.bytes.slice().buffer))).toEqual([1, 2]);
    expect(parsed.tensors.get('e')!.bytes.length).toBe(0);
    expect(parsed.headerBytes).toBe(bytes.length - 16);
  });

  it('maps every safetensors dtype when the header names it', () => {
    expect(Object.keys(SAFETENSORS_DTYPES).sort()).toEqual(['BF16', 'BOOL', 'F16', 'F32', 'F64', 'I16', 'I32', 'I64', 'I8', 'U16', 'U32', 'U64', 'U8']);
    for (const [name, dtype] of Object.entries(SAFETENSORS_DTYPES)) {
      const size = byteSizeOf(dtype);
      const parsed = parseSafetensors(file({ t: { dtype: name, shape: [3], data_offsets: [0, 3 * size] } }, new Uint8Array(3 * size)));
      expect(parsed.tensors.get('t')!.dtype).toBe(dtype);
    }
  });

  it('parses the tiny BERT fixture when read from disk', async () => {
    const bytes = new Uint8Array(await readFile(FIXTURE));
    const parsed = parseSafetensors(bytes, 'model.safetensors');
    // Read the header by hand (8-byte little-endian length, then JSON) and check the parser agrees tensor by tensor.
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const raw = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    const names = Object.keys(raw).filter((k) => k !== '__metadata__');
    expect([...parsed.tensors.keys()].sort()).toEqual(names.sort());
    const dataStart = 8 + headerLength;
    for (const name of names) {
      const { dtype, shape, data_offsets: [begin, end] } = raw[name]!;
      const t = parsed.tensors.get(name)!;
      expect([name, t.dtype, t.shape]).toEqual([name, SAFETENSORS_DTYPES[dtype as keyof typeof SAFETENSORS_DTYPES], shape]);
      expect(Buffer.from(t.bytes).equals(Buffer.from(bytes.subarray(dataStart + begin, dataStart + end))), name).toBe(true);
    }
    // And what config.json says the model is: vocab 30522 x hidden 64, two layers with 256-wide feed-forward.
    expect(parsed.tensors.get('embeddings.word_embeddings.weight')?.shape).toEqual([30522, 64]);
    expect(parsed.tensors.get('encoder.layer.1.intermediate.dense.weight')?.shape).toEqual([256, 64]);
    expect(parsed.tensors.has('encoder.layer.2.intermediate.dense.weight')).toBe(false);
  });

  it('accepts an empty header object and a buffer view at an offset', () => {
    const inner = file({});
    const outer = new Uint8Array(inner.length + 5);
    outer.set(inner, 5);
    expect(parseSafetensors(outer.subarray(5)).tensors.size).toBe(0);
  });

  it('lets empty tensors sit anywhere when they take no bytes', () => {
    const parsed = parseSafetensors(
      file(
        { a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] }, z: { dtype: 'U8', shape: [0], data_offsets: [2, 2] }, y: { dtype: 'U8', shape: [0], data_offsets: [2, 2] } },
        new Uint8Array(4),
      ),
    );
    expect(parsed.tensors.size).toBe(3);
  });

  it.each([
    ['a file shorter than 8 bytes', new Uint8Array(3), ['3 bytes', '8-byte']],
    ['a header length past the end', file({}, new Uint8Array(0), 1000n), ['header length 1000', 'past the end']],
    ['a header over 100 MB', file({}, new Uint8Array(0), BigInt(SAFETENSORS_MAX_HEADER_BYTES) + 1n), ['100000001', '100000000']],
    ['a header length of 2^64-1', file({}, new Uint8Array(0), 2n ** 64n - 1n), ['18446744073709551615']],
    ['bad JSON', file('{"a": '), ['not valid UTF-8 JSON']],
    ['invalid UTF-8', file('\u00ff').map((b, i) => (i === 8 ? 0xff : b)), ['not valid UTF-8 JSON']],
    ['a JSON array header', file([]), ['not a JSON object']],
    ['a JSON null header', file('null'), ['not a JSON object']],
    ['non-string metadata', file({ __metadata__: { a: 1 } }), ['__metadata__']],
    ['a tensor that is not an object', file({ t: 5 }), ['"t"', 'dtype/shape/data_offsets']],
    ['an unknown dtype', file({ t: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), ['"t"', '"F8"']],
    ['an inherited dtype name', file({ t: { dtype: 'constructor', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), ['"t"', '"constructor"']],
    ['a missing shape', file({ t: { dtype: 'U8', data_offsets: [0, 1] } }, new Uint8Array(1)), ['"t"', 'no shape']],
    ['a negative dim', file({ t: { dtype: 'U8', shape: [-1], data_offsets: [0, 1] } }, new Uint8Array(1)), ['"t"', '-1']],
    ['bad data_offsets', file({ t: { dtype: 'U8', shape: [1], data_offsets: [0] } }, new Uint8Array(1)), ['"t"', 'data_offsets [0]']],
    ['negative data_offsets', file({ t: { dtype: 'U8', shape: [1], data_offsets: [-1, 0] } }, new Uint8Array(1)), ['"t"', 'data_offsets']],
    ['offsets past the end', file({ t: { dtype: 'U8', shape: [4], data_offsets: [0, 4] } }, new Uint8Array(3)), ['"t"', '[0, 4]', '3-byte']],
    ['reversed offsets', file({ t: { dtype: 'U8', shape: [0], data_offsets: [2, 1] } }, new Uint8Array(3)), ['"t"', '[2, 1]']],
    ['a size mismatch', file({ t: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 8] } }, new Uint8Array(8)), ['"t"', 'F32[2, 2] = 16 bytes', 'span 8']],
    [
      'overlapping tensors',
      file({ a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] }, b: { dtype: 'U8', shape: [2], data_offsets: [3, 5] } }, new Uint8Array(5)),
      ['"a" [0, 4]', '"b" [3, 5]', 'overlap'],
    ],
  ] as const)('throws PACKAGE_INVALID saying what is wrong when given %s', (_what, bytes, facts) => {
    const error = parseError(bytes, 'w.safetensors');
    expect(error.message).toContain('w.safetensors');
    for (const fact of facts) expect(error.message).toContain(fact);
    expect(error.details.file).toBe('w.safetensors');
  });

  it('throws PACKAGE_INVALID without a file name when no source is given, and for non-bytes', () => {
    expect(parseError(new Uint8Array(2)).message).toMatch(/^invalid safetensors/);
    expect(parseError('nope' as unknown as Uint8Array).message).toContain('not a Uint8Array');
  });

  it('never throws anything but PACKAGE_INVALID when given random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        expectParsedOrRefused(bytes);
      }),
    );
  });

  it('never throws anything but PACKAGE_INVALID when a valid file is mutated (property)', () => {
    const valid = serializeSafetensors(
      {
        a: { dtype: 'float32', shape: [2, 2], bytes: new Uint8Array(16).fill(1) },
        b: { dtype: 'int64', shape: [1], bytes: new Uint8Array(8).fill(2) },
        c: { dtype: 'bool', shape: [0], bytes: new Uint8Array(0) },
      },
      { k: 'v' },
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat({ max: valid.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
        fc.nat({ max: valid.length }),
        (edits, keep) => {
          const bytes = valid.slice(0, Math.max(keep, 8) < valid.length ? keep : valid.length);
          for (const { at, value } of edits) if (at < bytes.length) bytes[at] = value;
          expectParsedOrRefused(bytes);
        },
      ),
    );
  });

  it('never throws anything but PACKAGE_INVALID when the header JSON is arbitrary (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.uint8Array({ maxLength: 64 }), (header, data) => {
        expectParsedOrRefused(file(header, data));
      }),
    );
  });
});

/** Either parses with every view inside the input, or throws PACKAGE_INVALID; nothing else. */
function expectParsedOrRefused(bytes: Uint8Array): void {
  let parsed;
  try {
    parsed = parseSafetensors(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(InferoxError);
    expect((error as InferoxError).code).toBe('PACKAGE_INVALID');
    return;
  }
  for (const t of parsed.tensors.values()) {
    expect(t.bytes.buffer).toBe(bytes.buffer);
    expect(t.bytes.byteOffset).toBeGreaterThanOrEqual(bytes.byteOffset + parsed.headerBytes);
    expect(t.bytes.byteOffset + t.bytes.length).toBeLessThanOrEqual(bytes.byteOffset + bytes.length);
  }
}

describe('serializeSafetensors', () => {
  it('pads the header to 8 bytes and lays tensors out in order when writing', () => {
    const bytes = serializeSafetensors({ x: { dtype: 'uint8', shape: [3], bytes: new Uint8Array([1, 2, 3]) } }, { a: 'b' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
    expect(header).toEqual({ __metadata__: { a: 'b' }, x: { dtype: 'U8', shape: [3], data_offsets: [0, 3] } });
    expect(Array.from(bytes.subarray(8 + headerLength))).toEqual([1, 2, 3]);
    expect(JSON.parse(new TextDecoder().decode(serializeSafetensors({}).subarray(8)))).toEqual({});
  });

  it('throws INVALID_INPUT naming the tensor when a dtype, length, name or metadata value is bad', () => {
    const cases: [() => unknown, string[]][] = [
      [() => serializeSafetensors({ s: { dtype: 'string', shape: [1], bytes: new Uint8Array(0) } }), ['"s"', 'string']],
      [() => serializeSafetensors({ s: { dtype: 'toString' as DType, shape: [1], bytes: new Uint8Array(0) } }), ['"s"', 'toString']],
      [() => serializeSafetensors({ w: { dtype: 'float32', shape: [2], bytes: new Uint8Array(7) } }), ['"w"', 'float32[2]', '8 bytes', 'got 7']],
      [() => serializeSafetensors({ w: { dtype: 'float32', shape: [1], bytes: [0, 0, 0, 0] as unknown as Uint8Array } }), ['"w"', 'no Uint8Array']],
      [() => serializeSafetensors({ w: { dtype: 'float32', shape: [-1], bytes: new Uint8Array(0) } }), ['"w"', '-1']],
      [() => serializeSafetensors({ __metadata__: { dtype: 'uint8', shape: [0], bytes: new Uint8Array(0) } }), ['__metadata__']],
      [() => serializeSafetensors({}, { n: 1 as unknown as string }), ['"n"', 'number']],
    ];
    for (const [fn, facts] of cases) {
      let error: unknown;
      try {
        fn();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InferoxError);
      expect((error as InferoxError).code).toBe('INVALID_INPUT');
      for (const fact of facts) expect((error as Error).message).toContain(fact);
    }
  });

  it('keeps a tensor named __proto__ (a key of the header, not its prototype)', () => {
    const tensors = JSON.parse('{"__proto__":{"dtype":"bool","shape":[],"bytes":null}}') as Record<string, SafetensorsInput>;
    tensors['__proto__'] = { dtype: 'bool', shape: [], bytes: Uint8Array.from([1]) };
    const parsed = parseSafetensors(serializeSafetensors(tensors, JSON.parse('{"__proto__":"m"}') as Record<string, string>));
    expect([...parsed.tensors.keys()]).toEqual(['__proto__']);
    expect(Array.from(parsed.tensors.get('__proto__')!.bytes)).toEqual([1]);
    expect(Object.entries(parsed.metadata)).toEqual([['__proto__', 'm']]);
  });

  it('round-trips tensors and metadata when serialised then parsed (property)', () => {
    const fileDtypes = Object.values(SAFETENSORS_DTYPES);
    const tensor = fc
      .record({ dtype: fc.constantFrom<DType>(...fileDtypes), shape: fc.array(fc.nat({ max: 4 }), { maxLength: 3 }) })
      .chain(({ dtype, shape }) =>
        fc
          .uint8Array({ minLength: shape.reduce((a, b) => a * b, 1) * byteSizeOf(dtype), maxLength: shape.reduce((a, b) => a * b, 1) * byteSizeOf(dtype) })
          .map((bytes): SafetensorsInput => ({ dtype, shape, bytes })),
      );
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1 }).filter((n) => n !== '__metadata__'), tensor, { maxKeys: 5 }),
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
        (tensors, metadata) => {
          const parsed = parseSafetensors(serializeSafetensors(tensors, metadata));
          expect(parsed.metadata).toEqual(metadata);
          expect([...parsed.tensors.keys()]).toEqual(Object.keys(tensors));
          for (const [name, want] of Object.entries(tensors)) {
            const got = parsed.tensors.get(name)!;
            expect(got.dtype).toBe(want.dtype);
            expect(got.shape).toEqual(want.shape);
            expect(Array.from(got.bytes)).toEqual(Array.from(want.bytes));
          }
        },
      ),
    );
  });
});

describe('parseSafetensorsHeader', () => {
  it('reads the tensor table from the header bytes alone when given the file size', () => {
    const whole = serializeSafetensors({ w: { dtype: 'float16', shape: [2, 3], bytes: new Uint8Array(12) }, b: { dtype: 'int64', shape: [1], bytes: new Uint8Array(8) } });
    const size = safetensorsHeaderSize(whole.subarray(0, 8), whole.length, 'm.safetensors');
    const header = parseSafetensorsHeader(whole.subarray(0, size), whole.length, 'm.safetensors');
    expect(header.headerBytes).toBe(size);
    expect([...header.tensors.values()]).toEqual([
      { name: 'w', dtype: 'float16', fileDtype: 'F16', shape: [2, 3], dataOffsets: [0, 12] },
      { name: 'b', dtype: 'int64', fileDtype: 'I64', shape: [1], dataOffsets: [12, 20] },
    ]);
  });

  it('refuses offsets past the file size and a header it was not given whole', () => {
    const whole = file({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8));
    const size = safetensorsHeaderSize(whole, whole.length);
    expect(() => parseSafetensorsHeader(whole.subarray(0, size), whole.length - 4, 'cut')).toThrow(/cut: invalid safetensors: tensor "w" data_offsets \[0, 8\] lie outside the 4-byte data section/);
    expect(() => parseSafetensorsHeader(whole.subarray(0, size - 1), whole.length)).toThrow(`only ${size - 1} of the ${size} header bytes were given`);
    expect(() => safetensorsHeaderSize(whole.subarray(0, 4), whole.length)).toThrow('shorter than the 8-byte header length');
    expect(() => safetensorsHeaderSize(whole, 12)).toThrow('runs past the end of the 12-byte file');
  });

  it('agrees with parseSafetensors on every input: both accept or both throw PACKAGE_INVALID', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.uint8Array({ maxLength: 32 }), (header, data) => {
        const bytes = file(header, data);
        let whole: unknown;
        let alone: unknown;
        try {
          whole = [...parseSafetensors(bytes).tensors.keys()];
        } catch (error) {
          whole = (error as InferoxError).code;
        }
        try {
          alone = [...parseSafetensorsHeader(bytes, bytes.length).tensors.keys()];
        } catch (error) {
          alone = (error as InferoxError).code;
        }
        expect(alone).toEqual(whole);
        if (typeof whole === 'string') expect(whole).toBe('PACKAGE_INVALID');
      }),
    );
  });
});

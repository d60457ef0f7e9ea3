import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DType } from './dtype';
import { InferoxError } from './inferox-error';
import { parseSafetensors, safetensorsHeaderSize, serializeSafetensors } from './safetensors';
import { thrown } from './internal/thrown.fixture';

// What a user reads when a file on disk is corrupt: the exact message and the details naming the file and tensor.
// Files are written to a temp dir and read back, as a loader would.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inferox-safetensors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The bytes of a file with the given header object and data section. */
function fileBytes(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Writes `bytes` to `<dir>/<name>`, reads the file back and parses it; returns the error it throws. */
async function refusalOf(name: string, bytes: Uint8Array): Promise<{ path: string; error: InferoxError }> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  const read = new Uint8Array(await readFile(path));
  const error = thrown(() => parseSafetensors(read, path));
  expect(error.code).toBe('PACKAGE_INVALID');
  return { path, error };
}

describe('parseSafetensors on a corrupt file', () => {
  it.each([
    ['not-object', { t: 5 }, 0, 'tensor "t" has no dtype/shape/data_offsets'],
    ['bad-dtype', { t: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }, 1, 'tensor "t" has unsupported dtype "F8"'],
    ['no-shape', { t: { dtype: 'U8', data_offsets: [0, 1] } }, 1, 'tensor "t" has no shape array'],
    ['bad-offsets', { t: { dtype: 'U8', shape: [1], data_offsets: [0, 1, 2] } }, 3, 'tensor "t" has bad data_offsets [0,1,2]'],
    ['outside', { t: { dtype: 'U8', shape: [4], data_offsets: [2, 6] } }, 5, 'tensor "t" data_offsets [2, 6] lie outside the 5-byte data section'],
    ['size', { t: { dtype: 'F32', shape: [2, 2], data_offsets: [4, 12] } }, 12, 'tensor "t" is F32[2, 2] = 16 bytes, but its offsets span 8'],
  ] as const)('names the file and the tensor in message and details when the header has %s', async (name, header, dataLength, message) => {
    const { path, error } = await refusalOf(`${name}.safetensors`, fileBytes(header, new Uint8Array(dataLength)));
    expect(error.message).toBe(`${path}: invalid safetensors: ${message}`);
    expect(error.details).toEqual({ tensor: 't', file: path });
  });

  it('says which dim of a shape is bad and keeps the shape error as its cause', async () => {
    const { path, error } = await refusalOf('neg.safetensors', fileBytes({ t: { dtype: 'U8', shape: [2, -1], data_offsets: [0, 1] } }, new Uint8Array(1)));
    expect(error.message).toBe(`${path}: invalid safetensors: tensor "t" shape[1] must be a non-negative integer, got -1`);
    expect(error.details).toEqual({ tensor: 't', file: path });
    expect(error.cause).toBeInstanceOf(InferoxError);
    expect((error.cause as InferoxError).details).toEqual({ index: 1, value: -1 });
  });

  it('names the second of two overlapping tensors in details', async () => {
    const header = { a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] }, b: { dtype: 'U8', shape: [2], data_offsets: [3, 5] } };
    const { path, error } = await refusalOf('overlap.safetensors', fileBytes(header, new Uint8Array(5)));
    expect(error.message).toBe(`${path}: invalid safetensors: tensors "a" [0, 4] and "b" [3, 5] overlap`);
    expect(error.details).toEqual({ tensor: 'b', file: path });
  });
});

describe('safetensorsHeaderSize', () => {
  it('gives the bytes a reader holds when the prefix it read is shorter than the file', async () => {
    const path = join(dir, 'long.safetensors');
    await writeFile(path, serializeSafetensors({ w: { dtype: 'uint8', shape: [64], bytes: new Uint8Array(64) } }));
    const prefix = new Uint8Array(await readFile(path)).subarray(0, 4);
    expect(() => safetensorsHeaderSize(prefix, 1000, path)).toThrow(`${path}: invalid safetensors: file is 4 bytes, shorter than the 8-byte header length`);
  });

  it('refuses a prefix that is not a Uint8Array with that message', () => {
    const error = thrown(() => safetensorsHeaderSize([1, 2, 3, 4, 5, 6, 7, 8] as unknown as Uint8Array, 8, 'm.safetensors'));
    expect(error.code).toBe('PACKAGE_INVALID');
    expect(error.message).toBe('m.safetensors: invalid safetensors: input is not a Uint8Array');
  });
});

describe('serializeSafetensors', () => {
  it('writes exactly the 8-byte length and the header padded with spaces to 8 bytes', async () => {
    const path = join(dir, 'empty.safetensors');
    await writeFile(path, serializeSafetensors({}));
    const bytes = new Uint8Array(await readFile(path));
    expect(Array.from(bytes)).toEqual([8, 0, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode('{}      ')]);
  });

  it('leaves __metadata__ out of the file when the metadata is empty', () => {
    const bytes = serializeSafetensors({ x: { dtype: 'uint8', shape: [1], bytes: Uint8Array.from([7]) } }, {});
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + length)).trimEnd()).toBe('{"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}');
  });

  it.each([
    ['a metadata value that is not a string', () => serializeSafetensors({}, { n: 1 as unknown as string }), 'safetensors metadata "n" must be a string, got number', { key: 'n' }],
    ['a tensor named __metadata__', () => serializeSafetensors({ __metadata__: { dtype: 'uint8', shape: [0], bytes: new Uint8Array(0) } }), 'a safetensors tensor cannot be named "__metadata__"', { tensor: '__metadata__' }],
    ['a string dtype', () => serializeSafetensors({ s: { dtype: 'string', shape: [1], bytes: new Uint8Array(0) } }), 'tensor "s": safetensors cannot hold dtype string', { tensor: 's', dtype: 'string' }],
    [
      'a byte length that does not match a rank-2 shape',
      () => serializeSafetensors({ w: { dtype: 'float32', shape: [2, 2], bytes: new Uint8Array(15) } }),
      'tensor "w": float32[2, 2] needs 16 bytes, got 15 bytes',
      { tensor: 'w', expected: 16 },
    ],
  ])('throws INVALID_INPUT with the exact message and details for %s', (_what, write, message, details) => {
    const error = thrown(write);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(message);
    expect(error.details).toEqual(details);
  });

  it('refuses a dtype given as a String object rather than a string', () => {
    // A JavaScript caller's wrapper object: Object.hasOwn would read it as the key 'float32'.
    const dtype = new String('float32') as unknown as DType;
    const error = thrown(() => serializeSafetensors({ w: { dtype, shape: [1], bytes: new Uint8Array(4) } }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('tensor "w": safetensors cannot hold dtype float32');
    expect(error.details).toEqual({ tensor: 'w', dtype });
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectInferoxError } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { f32, safetensors, tempDir, writeFolder } from '../internal/test-files.fixture';
import { readClassifierHead } from './read-classifier-head';

/** safetensors bytes written by hand: `header` as JSON (or raw text), then `data`; `declared` overrides the length. */
function rawSafetensors(header: unknown, data: Uint8Array = new Uint8Array(), declared?: bigint): Uint8Array {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(declared ?? BigInt(json.length));
  return new Uint8Array(Buffer.concat([prefix, json, data]));
}
const u16 = (...values: number[]) => new Uint8Array(Uint16Array.from(values).buffer);
const headOf = (dtype: string, weightBytes: Uint8Array, biasBytes: Uint8Array, labels: number, hidden: number) =>
  rawSafetensors(
    {
      'classifier.weight': { dtype, shape: [labels, hidden], data_offsets: [0, weightBytes.length] },
      'classifier.bias': { dtype, shape: [labels], data_offsets: [weightBytes.length, weightBytes.length + biasBytes.length] },
    },
    new Uint8Array([...weightBytes, ...biasBytes]),
  );

const removers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(removers.splice(0).map((remove) => remove()));
});
async function folder(files: Record<string, string | Uint8Array | Record<string, unknown>>): Promise<string> {
  const { dir, remove } = await tempDir();
  removers.push(remove);
  return writeFolder(dir, files);
}

describe('readClassifierHead reading a model.safetensors', () => {
  it('decodes an F16 head exactly', async () => {
    // 1.5 = 0x3e00, -2 = 0xc000, 0.25 = 0x3400, 3 = 0x4200 in IEEE half precision.
    const dir = await folder({ 'model.safetensors': headOf('F16', u16(0x3e00, 0xc000), u16(0x3400), 1, 2) });
    const head = await readClassifierHead(dir);
    expect(head).toEqual({ labels: 1, hidden: 2, weight: Float32Array.from([1.5, -2]), bias: Float32Array.from([0.25]) });
  });

  it('decodes a BF16 head exactly', async () => {
    // 1.5 = 0x3fc0, -2 = 0xc000, 0.25 = 0x3e80 in bfloat16.
    const dir = await folder({ 'model.safetensors': headOf('BF16', u16(0x3fc0, 0xc000), u16(0x3e80), 1, 2) });
    const head = await readClassifierHead(dir);
    expect(head).toEqual({ labels: 1, hidden: 2, weight: Float32Array.from([1.5, -2]), bias: Float32Array.from([0.25]) });
  });

  it('reads a second tensor at its own offset after the first', async () => {
    const dir = await folder({ 'model.safetensors': safetensors({ 'classifier.weight': f32([1, 2, 3, 4, 5, 6], [3, 2]), 'classifier.bias': f32([7, 8, 9]) }) });
    expect(await readClassifierHead(dir)).toEqual({ labels: 3, hidden: 2, weight: Float32Array.from([1, 2, 3, 4, 5, 6]), bias: Float32Array.from([7, 8, 9]) });
  });

  it('refuses a dtype other than F32, F16 and BF16, naming the tensor and the dtype', async () => {
    const dir = await folder({ 'model.safetensors': headOf('I16', u16(1, 2), u16(3), 1, 2) });
    const error = await expectInferoxError(readClassifierHead(dir), 'PACKAGE_INVALID', 'classifier.weight has dtype I16; the head reads F32, F16 and BF16');
    expect(error.message.startsWith(join(dir, 'model.safetensors'))).toBe(true);
    expect(error.details).toEqual({ file: join(dir, 'model.safetensors') });
  });

  it('refuses data offsets that do not span the shape', async () => {
    const header = { 'classifier.weight': { dtype: 'F32', shape: [1, 2], data_offsets: [0, 4] }, 'classifier.bias': { dtype: 'F32', shape: [1], data_offsets: [4, 8] } };
    const dir = await folder({ 'model.safetensors': rawSafetensors(header, new Uint8Array(8)) });
    await expectInferoxError(readClassifierHead(dir), 'PACKAGE_INVALID', 'classifier.weight: data offsets 0..4 do not fit its shape or the file');
  });

  it('refuses data offsets that run past the end of the file, and accepts them when they end at it', async () => {
    const header = { 'classifier.weight': { dtype: 'F32', shape: [1, 1], data_offsets: [0, 4] }, 'classifier.bias': { dtype: 'F32', shape: [1], data_offsets: [4, 8] } };
    const short = await folder({ 'model.safetensors': rawSafetensors(header, new Uint8Array(7)) });
    await expectInferoxError(readClassifierHead(short), 'PACKAGE_INVALID', 'classifier.bias: data offsets 4..8 do not fit its shape or the file');
    const exact = await folder({ 'model.safetensors': rawSafetensors(header, new Uint8Array(Float32Array.from([2, -1]).buffer)) });
    expect(await readClassifierHead(exact)).toEqual({ labels: 1, hidden: 1, weight: Float32Array.from([2]), bias: Float32Array.from([-1]) });
  });

  it('refuses a header length past the end of the file, quoting it', async () => {
    const dir = await folder({ 'model.safetensors': rawSafetensors('{}', new Uint8Array(), 100n) });
    await expectInferoxError(readClassifierHead(dir), 'PACKAGE_INVALID', 'bad safetensors header length 100');
  });

  it('refuses a header length over the limit even when the file seems long enough', async () => {
    const dir = await folder({ 'model.safetensors': rawSafetensors('{}', new Uint8Array(), 2n ** 40n) });
    await expectInferoxError(readClassifierHead(dir), 'PACKAGE_INVALID', `bad safetensors header length ${2 ** 40}`);
  });

  it('refuses a file shorter than its 8-byte length prefix', async () => {
    const dir = await folder({ 'model.safetensors': new Uint8Array([2, 0, 0]) });
    await expectInferoxError(readClassifierHead(dir), 'PACKAGE_INVALID', 'bad safetensors header length');
  });

  it('reads a header that ends exactly at the end of the file (no tensors), then finds no head', async () => {
    const dir = await folder({ 'model.safetensors': rawSafetensors('{}') });
    await expectInferoxError(readClassifierHead(dir), 'PACKAGE_INVALID', 'has no classifier.weight');
    const empty = await folder({ 'model.safetensors': rawSafetensors('') });
    await expectInferoxError(readClassifierHead(empty), 'PACKAGE_INVALID', 'safetensors header is not JSON');
  });

  it('refuses a header that is not JSON, keeping the parse error as the cause', async () => {
    const dir = await folder({ 'model.safetensors': rawSafetensors('{not json') });
    const error = await expectInferoxError(readClassifierHead(dir), 'PACKAGE_INVALID', `${join(dir, 'model.safetensors')}: safetensors header is not JSON`);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it.each([
    ['a 1-D weight', { 'classifier.weight': f32([1, 2]), 'classifier.bias': f32([1, 2]) }],
    ['no bias', { 'classifier.weight': f32([1, 2], [1, 2]) }],
    ['no weight', { 'classifier.bias': f32([1]) }],
    ['a 2-D bias', { 'classifier.weight': f32([1, 2], [1, 2]), 'classifier.bias': f32([1], [1, 1]) }],
    ['a bias of another length than the labels', { 'classifier.weight': f32([1, 2], [1, 2]), 'classifier.bias': f32([1, 2]) }],
  ])('says it is not a sequence-classification checkpoint for %s', async (_, tensors) => {
    const dir = await folder({ 'model.safetensors': safetensors(tensors) });
    await expectInferoxError(readClassifierHead(dir), 'PACKAGE_INVALID', 'has no classifier.weight [labels, hidden] with classifier.bias [labels]: not a sequence-classification checkpoint');
  });
});

describe('readClassifierHead following a sharded index', () => {
  it('reads weight and bias from two different shards', async () => {
    const dir = await folder({
      'a.safetensors': safetensors({ 'classifier.weight': f32([1, 2], [1, 2]) }),
      'b.safetensors': safetensors({ 'classifier.bias': f32([3]) }),
      'model.safetensors.index.json': { weight_map: { 'classifier.weight': 'a.safetensors', 'classifier.bias': 'b.safetensors' } },
    });
    expect(await readClassifierHead(dir)).toEqual({ labels: 1, hidden: 2, weight: Float32Array.from([1, 2]), bias: Float32Array.from([3]) });
  });

  it('skips a tensor the index does not list, or lists in a shard outside the folder', async () => {
    const outside = await folder({ 'evil.safetensors': safetensors({ 'classifier.bias': f32([3]) }) });
    const dir = await folder({
      'a.safetensors': safetensors({ 'classifier.weight': f32([1, 2], [1, 2]), 'classifier.bias': f32([3]) }),
      'model.safetensors.index.json': { weight_map: { 'classifier.weight': 'a.safetensors', 'classifier.bias': `../${outside.split('/').at(-1)}/evil.safetensors` } },
    });
    await expectInferoxError(readClassifierHead(dir), 'PACKAGE_INVALID', 'not a sequence-classification checkpoint');
    const unlisted = await folder({
      'a.safetensors': safetensors({ 'classifier.weight': f32([1, 2], [1, 2]), 'classifier.bias': f32([3]) }),
      'model.safetensors.index.json': { weight_map: { 'classifier.weight': 'a.safetensors' } },
    });
    await expectInferoxError(readClassifierHead(unlisted), 'PACKAGE_INVALID', 'not a sequence-classification checkpoint');
  });

  it('names the shard it cannot open', async () => {
    const dir = await folder({ 'model.safetensors.index.json': { weight_map: { 'classifier.weight': 'gone.safetensors', 'classifier.bias': 'gone.safetensors' } } });
    const error = await expectInferoxError(readClassifierHead(dir), 'PACKAGE_INVALID', `${join(dir, 'gone.safetensors')}: cannot be opened`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(error.details).toEqual({ file: join(dir, 'gone.safetensors') });
  });

  it('says the checkpoint is missing when the index is not valid, keeping the cause', async () => {
    const dir = await folder({ 'model.safetensors.index.json': { weight_map: { 'classifier.weight': 7 } } });
    const error = await expectInferoxError(readClassifierHead(dir), 'PACKAGE_INVALID', 'model.safetensors: missing (no model.safetensors or valid model.safetensors.index.json');
    expect((error.cause as Error).name).toBe('ZodError');
    await writeFile(join(dir, 'model.safetensors.index.json'), '{');
    await expectInferoxError(readClassifierHead(dir), 'PACKAGE_INVALID', 'missing');
  });
});

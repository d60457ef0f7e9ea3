import { join } from 'node:path';
import { InferoxError, parseSafetensors, serializeSafetensors } from '@inferox/core';
import { expectInferoxError } from '@inferox/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointWeights, type LocatedEntry } from './checkpoint-weights';
import { noWeights, notInShard, shardError } from './internal/locate-weights';
import { openRegularFile, unreadable } from './internal/open-regular-file';
import { f32, makeFifo, tempDir, writeFolder } from './internal/test-files.fixture';
import { readCheckpointFile, readCheckpointJson } from './read-checkpoint-file';
import { parseSafetensorsIndex } from './safetensors-index';
import { thrownBy } from '@inferox/core/testing';


describe('checkpoint file errors', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    temp = await tempDir();
  });
  afterAll(() => temp.remove());

  it('keeps a cause only when there is one, and merges extra details after the file', () => {
    const bare = unreadable('/x', 'why');
    expect([bare.message, bare.details, Object.hasOwn(bare, 'cause')]).toEqual(['/x: cannot read: why', { file: '/x' }, false]);
    const cause = new Error('low');
    const full = unreadable('/x', 'why', cause, { size: 3 });
    expect([full.details, full.cause]).toEqual([{ file: '/x', size: 3 }, cause]);
  });

  it('reads a file exactly at the byte limit and refuses one a byte over it, with size and limit in the details', async () => {
    const dir = await writeFolder(join(temp.dir, 'limit'), { 'w.bin': 'abcd' });
    const file = join(dir, 'w.bin');
    expect(Array.from(await readCheckpointFile(file, { maxBytes: 4 }))).toEqual([97, 98, 99, 100]);
    const error = await expectInferoxError(readCheckpointFile(file, { maxBytes: 3 }), 'PACKAGE_INVALID');
    expect([error.message, error.details]).toEqual([`${file}: cannot read: 4 bytes, over the 3-byte limit`, { file, size: 4, limit: 3 }]);
  });

  it('names the path when cancelled before opening', async () => {
    await expectInferoxError(openRegularFile('/nowhere/w.bin', 10, AbortSignal.abort()), 'CANCELLED', 'reading /nowhere/w.bin was cancelled by its signal');
  });

  it('says why it cannot open a file, keeping the errno error as the cause', async () => {
    const missing = join(temp.dir, 'missing.bin');
    const error = await expectInferoxError(readCheckpointFile(missing), 'PACKAGE_INVALID');
    expect([error.message, error.details, (error.cause as NodeJS.ErrnoException).code]).toEqual([`${missing}: cannot read: no such file`, { file: missing }, 'ENOENT']);
  });

  it('refuses a FIFO without a cause', async () => {
    const fifo = join(temp.dir, 'pipe');
    makeFifo(fifo);
    const error = await expectInferoxError(readCheckpointFile(fifo), 'PACKAGE_INVALID', `${fifo}: cannot read: a FIFO, not a regular file`);
    expect(Object.hasOwn(error, 'cause')).toBe(false);
  });

  it('refuses JSON that is not UTF-8, not JSON, or not an object, with the file in the details', async () => {
    const dir = await writeFolder(join(temp.dir, 'json'), { 'latin1.json': new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]), 'list.json': '[1]', 'null.json': 'null', 'text.json': '"x"', 'ok.json': '{"a":1}' });
    const latin1 = await expectInferoxError(readCheckpointJson(join(dir, 'latin1.json')), 'PACKAGE_INVALID', `${join(dir, 'latin1.json')}: not valid JSON: `);
    expect([latin1.details, latin1.cause instanceof TypeError]).toEqual([{ file: join(dir, 'latin1.json') }, true]);
    for (const name of ['list.json', 'null.json', 'text.json']) {
      const error = await expectInferoxError(readCheckpointJson(join(dir, name)), 'PACKAGE_INVALID');
      expect([error.message, error.details]).toEqual([`${join(dir, name)}: must hold a JSON object`, { file: join(dir, name) }]);
    }
    expect(await readCheckpointJson(join(dir, 'ok.json'))).toEqual({ a: 1 });
  });

  it('refuses a JSON file over its limit', async () => {
    const dir = await writeFolder(join(temp.dir, 'big-json'), { 'c.json': '{"a": 1}' });
    await expectInferoxError(readCheckpointJson(join(dir, 'c.json'), { maxBytes: 7 }), 'PACKAGE_INVALID', '8 bytes, over the 7-byte limit');
  });
});

describe('safetensors index errors', () => {
  it('puts the file, tensor and shard in the details', () => {
    const bad = thrownBy(() => parseSafetensorsIndex({ weight_map: [] }, '/c/i.json'));
    expect([bad.message, bad.details]).toEqual(['/c/i.json: weight_map must be an object of tensor name → shard file name', { file: '/c/i.json' }]);
    const escape = thrownBy(() => parseSafetensorsIndex({ weight_map: { a: '../x.safetensors' } }, '/c/i.json'));
    expect(escape.details).toEqual({ file: '/c/i.json', tensor: 'a', shard: '../x.safetensors' });
  });

  it('takes a shard name of exactly the length limit', () => {
    const name = `${'a'.repeat(1024 - '.safetensors'.length)}.safetensors`;
    expect(parseSafetensorsIndex({ weight_map: { t: name } }, '/c/i.json').shards).toEqual([name]);
    expect(() => parseSafetensorsIndex({ weight_map: { t: `a${name}` } }, '/c/i.json')).toThrow('the name is longer than 1024 characters');
  });

  it('relabels a shard error with the index and shard, keeping the original details and cause', () => {
    const index = parseSafetensorsIndex({ weight_map: { a: 's.safetensors' } }, '/c/i.json');
    const original = new InferoxError('PACKAGE_INVALID', '/c/s.safetensors: bad', { details: { file: '/c/s.safetensors' } });
    const relabelled = shardError(index, 's.safetensors', original) as InferoxError;
    expect([relabelled.message, relabelled.details, relabelled.cause]).toEqual(['/c/i.json: shard "s.safetensors": /c/s.safetensors: bad', { file: '/c/s.safetensors', index: '/c/i.json', shard: 's.safetensors' }, original]);
    const other = new InferoxError('CANCELLED', 'stop');
    expect(shardError(index, 's.safetensors', other)).toBe(other);
    const plain = new Error('x');
    expect(shardError(index, 's.safetensors', plain)).toBe(plain);
    const missing = notInShard(index, '/c/s.safetensors', 'a');
    expect([missing.message, missing.details]).toEqual(['/c/s.safetensors: tensor "a" listed in model.safetensors.index.json is not in the shard', { file: '/c/s.safetensors', tensor: 'a', index: '/c/i.json' }]);
    const none = noWeights('/c');
    expect([none.message, none.details]).toEqual(['/c: has neither model.safetensors nor model.safetensors.index.json', { file: '/c' }]);
  });
});

describe('CheckpointWeights error details', () => {
  const file = serializeSafetensors({ 'bert.w': f32([1, 2, 3, 4, 5, 6], [2, 3]) });
  const entries = new Map<string, LocatedEntry>([...parseSafetensors(file, 'w.safetensors').tensors].map(([name, entry]) => [name, { entry, file: '/c/w.safetensors' }]));
  const weights = new CheckpointWeights(entries, '/c/w.safetensors', 'bert.');

  it('names the tensor as looked up when it is missing', () => {
    const error = thrownBy(() => weights.float32('v', [1]));
    expect([error.message, error.details]).toEqual(['/c/w.safetensors: missing weight tensor "v" (looked up as "bert.v")', { file: '/c/w.safetensors', tensor: 'bert.v' }]);
  });

  it('looks names up without a prefix when none is given', () => {
    const plain = new CheckpointWeights(entries, '/c/w.safetensors');
    expect([plain.prefix, plain.has('bert.w'), plain.has('w')]).toEqual(['', true, false]);
  });

  it('names the file, tensor and dtype of a tensor that is not floating point', () => {
    const ints = serializeSafetensors({ n: { dtype: 'int32', shape: [1], bytes: new Uint8Array(4) } });
    const located = new Map<string, LocatedEntry>([...parseSafetensors(ints, 'i.safetensors').tensors].map(([name, entry]) => [name, { entry, file: '/c/i.safetensors' }]));
    const error = thrownBy(() => new CheckpointWeights(located, '/c/i.safetensors').float32('n', [1]));
    expect([error.message, error.details]).toEqual(['/c/i.safetensors: tensor "n" is I32; checkpoint weights must be floating point (F32, F16, BF16, F64)', { file: '/c/i.safetensors', tensor: 'n', dtype: 'I32' }]);
  });

  it('refuses a shape that differs in one dimension only, with both shapes in the details', () => {
    const error = thrownBy(() => weights.float32('w', [2, 4]));
    expect([error.message, error.details]).toEqual(['/c/w.safetensors: weight tensor "w" has shape [2, 3], the config needs [2, 4]', { file: '/c/w.safetensors', tensor: 'bert.w', expected: [2, 4], given: [2, 3] }]);
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectInferoxError, thrownBy } from '@inferox/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WEIGHT_MAP_ENTRIES } from './constants';
import { tempDir, writeFolder } from './internal/test-files.fixture';
import { parseSafetensorsIndex, readSafetensorsIndex } from './safetensors-index';

const FILE = '/ckpt/model.safetensors.index.json';

describe('parseSafetensorsIndex', () => {
  it('lists the weight map in file order and the distinct shards sorted', () => {
    const index = parseSafetensorsIndex({ metadata: { total_size: 8 }, weight_map: { b: 'model-2.safetensors', a: 'model-1.safetensors', c: 'sub/model-2.safetensors' } }, FILE);
    expect([...index.weightMap]).toEqual([
      ['b', 'model-2.safetensors'],
      ['a', 'model-1.safetensors'],
      ['c', 'sub/model-2.safetensors'],
    ]);
    expect(index.shards).toEqual(['model-1.safetensors', 'model-2.safetensors', 'sub/model-2.safetensors']);
  });

  it.each<[string, string]>([
    ['../escape.safetensors', 'the path contains ".."'],
    ['/etc/passwd', 'the path is absolute'],
    ['a\\b.safetensors', 'the path contains a backslash'],
    ['C:/x.safetensors', 'the path contains a colon'],
    ['a//b', 'the path has an empty segment'],
    ['./a', 'the path contains a "." segment'],
    ['', 'the name is empty'],
    ['a\u0000b', 'the path contains a control character'],
    ['x'.repeat(1025), 'the name is longer than 1024 characters'],
  ])('refuses shard %j, naming the tensor and why', (shard, why) => {
    expect(() => parseSafetensorsIndex({ weight_map: { w: shard } }, FILE)).toThrow(`${FILE}: tensor "w" maps to shard`);
    expect(() => parseSafetensorsIndex({ weight_map: { w: shard } }, FILE)).toThrow(`which is not a file inside the checkpoint folder: ${why}`);
  });

  it('refuses a missing or malformed weight_map and one over the entry limit, with entries and limit in the details', () => {
    for (const raw of [{}, { weight_map: [] }, { weight_map: { a: 1 } }, { weight_map: 'x' }]) {
      expect(() => parseSafetensorsIndex(raw, FILE)).toThrow(`${FILE}: weight_map must be an object of tensor name → shard file name`);
    }
    const huge: Record<string, string> = Object.fromEntries(Array.from({ length: MAX_WEIGHT_MAP_ENTRIES + 1 }, (_, i) => [`t${i}`, 'a.safetensors']));
    const error = thrownBy(() => parseSafetensorsIndex({ weight_map: huge }, FILE));
    expect(error.code).toBe('PACKAGE_INVALID');
    expect(error.message).toBe(`${FILE}: weight_map has ${MAX_WEIGHT_MAP_ENTRIES + 1} entries, over the limit of ${MAX_WEIGHT_MAP_ENTRIES}`);
    expect(error.details).toEqual({ file: FILE, entries: MAX_WEIGHT_MAP_ENTRIES + 1, limit: MAX_WEIGHT_MAP_ENTRIES });
    // Exactly the limit is taken.
    delete huge.t0;
    expect(parseSafetensorsIndex({ weight_map: huge }, FILE).weightMap.size).toBe(MAX_WEIGHT_MAP_ENTRIES);
  }, 30_000);

  it('throws only PACKAGE_INVALID and never accepts a shard that leaves the folder, for any JSON', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.constantFrom('../x', '/x', 'a/../../b'), fc.jsonValue())), (weightMap) => {
        try {
          const index = parseSafetensorsIndex({ weight_map: weightMap }, FILE);
          for (const shard of index.shards) expect(shard.split('/')).not.toContain('..');
        } catch (error) {
          expect((error as { code?: unknown }).code).toBe('PACKAGE_INVALID');
        }
      }),
    );
  });
});

describe('readSafetensorsIndex', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    temp = await tempDir();
  });
  afterAll(() => temp.remove());

  it('reads the index of a folder and names it when it is bad JSON', async () => {
    const dir = await writeFolder(join(temp.dir, 'a'), { 'model.safetensors.index.json': { weight_map: { w: 'x.safetensors' } } });
    expect((await readSafetensorsIndex(dir)).shards).toEqual(['x.safetensors']);
    await writeFile(join(dir, 'model.safetensors.index.json'), '{');
    await expectInferoxError(readSafetensorsIndex(dir), 'PACKAGE_INVALID', 'model.safetensors.index.json: not valid JSON');
  });

  it('rejects with CANCELLED naming the index when the signal is aborted', async () => {
    const dir = await writeFolder(join(temp.dir, 'b'), { 'model.safetensors.index.json': { weight_map: { w: 'x.safetensors' } } });
    const error = await expectInferoxError(readSafetensorsIndex(dir, { signal: AbortSignal.abort(new Error('stop')) }), 'CANCELLED');
    expect(error.message).toBe(`reading ${join(dir, 'model.safetensors.index.json')} was cancelled by its signal`);
  });
});

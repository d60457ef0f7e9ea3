import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeSafetensors } from '@inferox/core';
import { expectInferoxError } from '@inferox/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDescriptors } from '../internal/test-files.fixture';
import { readClassifierHead } from './read-classifier-head';

const fixtures = fileURLToPath(new URL('../../../../fixtures/', import.meta.url));

describe('readClassifierHead', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'inferox-head-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('reads the Linear(64, 3) head of tiny-bert-cls', async () => {
    const head = await readClassifierHead(join(fixtures, 'tiny-bert-cls'));
    expect([head.labels, head.hidden, head.weight.length, head.bias.length]).toEqual([3, 64, 192, 3]);
    expect(head.weight.some((v) => v !== 0)).toBe(true);
  });

  it.skipIf(process.platform !== 'linux')('closes the weights file after reading the head (Linux: /proc/self/fd)', async () => {
    await readClassifierHead(join(fixtures, 'tiny-bert-cls'));
    expect(openDescriptors(join(fixtures, 'tiny-bert-cls', 'model.safetensors'))).toBe(0);
  });

  it('follows a sharded index to the shard holding the head', async () => {
    const dir = join(tmp, 'sharded');
    await mkdir(dir);
    const bytes = serializeSafetensors({
      'classifier.weight': { dtype: 'float32', shape: [2, 2], bytes: new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer) },
      'classifier.bias': { dtype: 'float32', shape: [2], bytes: new Uint8Array(new Float32Array([5, 6]).buffer) },
    });
    await writeFile(join(dir, 'model-00002-of-00002.safetensors'), bytes);
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'classifier.weight': 'model-00002-of-00002.safetensors', 'classifier.bias': 'model-00002-of-00002.safetensors' } }));
    const head = await readClassifierHead(dir);
    expect([...head.weight, ...head.bias]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names the file when the checkpoint has no classifier', async () => {
    await expectInferoxError(readClassifierHead(join(fixtures, 'tiny-bert-st')), 'PACKAGE_INVALID', 'model.safetensors', 'classifier.weight');
    await expectInferoxError(readClassifierHead(tmp), 'PACKAGE_INVALID', 'model.safetensors', 'missing');
  });
});

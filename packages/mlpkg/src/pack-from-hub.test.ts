import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isInferoxError } from '@inferox/core';
import { startTestHub, type TestHub } from '@inferox/hub-cache/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packFromHub } from './pack-from-hub';
import { TINY_BERT, removeTempDirs, tempDir } from './test-support/temp-package';
import { verifyPackage } from './verify-package';

const MAIN = '1'.repeat(40);
const TAG = '2'.repeat(40);
let hub: TestHub;

beforeAll(async () => {
  const [config, safetensors, onnx] = await Promise.all(['config.json', 'model.safetensors', 'model.onnx'].map((f) => readFile(join(TINY_BERT, f))));
  hub = await startTestHub({
    repos: [
      {
        id: 'acme/tiny-bert',
        branches: { main: MAIN, v1: TAG },
        files: {
          'config.json': new Uint8Array(config!),
          'model.safetensors': new Uint8Array(safetensors!),
          'onnx/model.onnx': new Uint8Array(onnx!),
          'vocab.txt': '[PAD]\n[UNK]\n',
          'flax_model.msgpack': 'not downloaded',
          'README.md': '# tiny',
        },
      },
    ],
  });
});
afterAll(async () => {
  await hub.close();
  await removeTempDirs();
});

describe('packFromHub', () => {
  it('records the resolved commit and packs only the files pack reads when downloading from the hub', async () => {
    const parent = await tempDir();
    const out = join(parent, 'pkg');
    const result = await packFromHub('acme/tiny-bert', out, { token: false, hub: { endpoint: hub.url, cacheDir: join(parent, 'cache') } });
    expect(result.metadata.source).toEqual({ repo_id: 'acme/tiny-bert', revision: 'main', commit: MAIN });
    expect(result.metadata.name).toBe('acme/tiny-bert');
    expect(result.modelInfo.backends.onnx!.variants.map((v) => v.name)).toEqual(['graph', 'weights']);
    expect(result.modelInfo.tokenizer).toEqual({ files: ['tokenizer/vocab.txt'] });
    expect((await verifyPackage(out)).metadata.files.map((f) => f.path)).toEqual([
      'backends/onnx/model.onnx',
      'model_info.json',
      'tokenizer/vocab.txt',
      'weights/config.json',
      'weights/model.safetensors',
    ]);
    const fetched = hub.requests.map((r) => decodeURIComponent(r.path));
    expect(fetched.some((p) => p.includes('flax_model.msgpack') || p.includes('README.md'))).toBe(false);
    expect(fetched.some((p) => p.includes('model.safetensors'))).toBe(true);
  });

  it('records the tag asked for and the commit it resolves to when a revision is given', async () => {
    const parent = await tempDir();
    const result = await packFromHub('acme/tiny-bert', join(parent, 'pkg'), {
      revision: 'v1',
      name: 'tiny',
      token: false,
      hub: { endpoint: hub.url, cacheDir: join(parent, 'cache') },
    });
    expect(result.metadata).toMatchObject({ name: 'tiny', source: { repo_id: 'acme/tiny-bert', revision: 'v1', commit: TAG } });
  });

  it('rejects with HUB_ERROR and leaves no package when the repo does not exist', async () => {
    const parent = await tempDir();
    const error = await packFromHub('acme/missing', join(parent, 'pkg'), {
      token: false,
      hub: { endpoint: hub.url, cacheDir: join(parent, 'cache'), maxRetries: 0 },
    }).catch((e: unknown) => e);
    expect(isInferoxError(error, 'HUB_ERROR'), String(error)).toBe(true);
    expect((error as Error).message).toContain('acme/missing');
  });

  it('rejects with CANCELLED when the signal is already aborted', async () => {
    const parent = await tempDir();
    const controller = new AbortController();
    controller.abort();
    const error = await packFromHub('acme/tiny-bert', join(parent, 'pkg'), {
      signal: controller.signal,
      token: false,
      hub: { endpoint: hub.url, cacheDir: join(parent, 'cache') },
    }).catch((e: unknown) => e);
    expect(isInferoxError(error, 'CANCELLED'), String(error)).toBe(true);
  });
});

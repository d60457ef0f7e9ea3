import { mkdtemp, readFile, readlink, rm, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isInferoxError } from '@inferox/core';
import { startTestHub, type TestHub } from '@inferox/hub-cache/testing';
import { downloadFile } from '@inferox/hub-cache';

const big = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff);

describe('downloadFile', () => {
  let hub: TestHub;
  let cacheDir: string;
  const base = () => ({ endpoint: hub.url, cacheDir, token: false as const, retryBaseDelayMs: 1 });

  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'hub-cache-'));
    hub = await startTestHub({
      repos: [{ id: 'org/tiny', files: { 'config.json': '{"a":1}', 'model.bin': big, 'onnx/model.onnx': big.subarray(0, 5000) } }],
    });
  });
  afterEach(async () => {
    await hub.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('downloads a small file into the huggingface_hub layout when the cache is empty', async () => {
    const path = await downloadFile('org/tiny', 'config.json', base());
    const commit = hub.commitOf('org/tiny');
    expect(path).toBe(join(cacheDir, 'models--org--tiny', 'snapshots', commit, 'config.json'));
    expect(await readFile(path, 'utf8')).toBe('{"a":1}');
    expect(await readlink(path)).toBe(join('..', '..', 'blobs', hub.fileInfo('org/tiny', 'config.json').oid));
    expect(await readFile(join(cacheDir, 'models--org--tiny', 'refs', 'main'), 'utf8')).toBe(commit);
  });

  it('downloads an LFS file through the CDN redirect when it is large', async () => {
    const path = await downloadFile('org/tiny', 'model.bin', base());
    expect(new Uint8Array(await readFile(path))).toEqual(big);
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
    expect(hub.requests.filter((r) => r.server === 'cdn' && r.method === 'GET')).toHaveLength(1);
  });

  it('fails with HUB_ERROR naming the file when the file is missing', async () => {
    const error = await downloadFile('org/tiny', 'nope.txt', base()).catch((e: unknown) => e);
    expect(isInferoxError(error, 'HUB_ERROR')).toBe(true);
    expect((error as Error).message).toMatch(/file nope.txt was not found in hub repo org\/tiny at revision main/);
  });
});

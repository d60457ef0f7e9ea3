import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestHub, type TestHub } from '@inferox/hub-cache/testing';
import { listFiles, repoInfo } from '@inferox/hub-cache';
import { rejectionOf } from '@inferox/core/testing';


describe('listFiles', () => {
  let hub: TestHub;
  const base = () => ({ endpoint: hub.url, token: false as const, retryBaseDelayMs: 1 });

  beforeEach(async () => {
    vi.stubEnv('HF_TOKEN', '');
    vi.stubEnv('HF_HUB_OFFLINE', '');
    hub = await startTestHub({
      treePageSize: 2,
      repos: [
        { id: 'org/tiny', files: { 'a.json': '{}', 'big.bin': new Uint8Array(2048), 'onnx/model.onnx': 'x', 'onnx/deep/y.bin': 'y' } },
        { id: 'org/evil', files: { '../x': 'x' } },
        { id: 'org/data', type: 'dataset', files: { 'train.csv': 'a' } },
      ],
    });
  });
  afterEach(async () => {
    await hub.close();
    vi.unstubAllEnvs();
  });

  it('follows pagination and lists the subtree when recursive', async () => {
    const entries = await listFiles('org/tiny', { ...base(), recursive: true });
    expect(entries.map((e) => `${e.type}:${e.path}`)).toEqual([
      'file:a.json',
      'file:big.bin',
      'directory:onnx',
      'directory:onnx/deep',
      'file:onnx/deep/y.bin',
      'file:onnx/model.onnx',
    ]);
    const lfs = entries.find((e) => e.path === 'big.bin');
    expect(lfs?.lfs).toEqual({ sha256: hub.fileInfo('org/tiny', 'big.bin').sha256, size: 2048 });
    expect(hub.requests.filter((r) => r.path.includes('/tree/')).length).toBe(3);
  });

  it('lists direct children of a folder when not recursive', async () => {
    const entries = await listFiles('org/tiny', { ...base(), path: 'onnx' });
    expect(entries.map((e) => e.path)).toEqual(['onnx/deep', 'onnx/model.onnx']);
  });

  it('refuses entries that would escape the cache when the hub sends them', async () => {
    const error = await rejectionOf(listFiles('org/evil', { ...base(), recursive: true }));
    expect(error.code).toBe('HUB_ERROR');
    expect(error.message).toMatch(/path sent by the hub for repo org\/evil "\.\.(\/x)?" would escape the cache folder/);
  });

  it('fails offline without a request when offline', async () => {
    const error = await rejectionOf(listFiles('org/tiny', { ...base(), offline: true }));
    expect(error.message).toMatch(/offline: cannot list the files of repo org\/tiny/);
    expect(hub.requests).toHaveLength(0);
  });

  it('fails with EntryNotFound naming the folder when the folder is missing', async () => {
    const error = await rejectionOf(listFiles('org/tiny', { ...base(), path: 'nope' }));
    expect(error.message).toMatch(/file nope was not found in hub repo org\/tiny/);
  });
});

describe('repoInfo', () => {
  let hub: TestHub;

  beforeEach(async () => {
    vi.stubEnv('HF_TOKEN', '');
    hub = await startTestHub({ repos: [{ id: 'org/tiny', branches: { main: 'e'.repeat(40) }, files: { 'a.json': '{}', 'b/c.txt': 'c' } }, { id: 'org/data', type: 'dataset', files: { 'x.csv': 'x' } }] });
  });
  afterEach(async () => {
    await hub.close();
    vi.unstubAllEnvs();
  });

  it('returns the commit and files of a revision when the repo exists', async () => {
    const info = await repoInfo('org/tiny', { endpoint: hub.url, token: false });
    expect(info).toEqual({ id: 'org/tiny', type: 'model', sha: 'e'.repeat(40), private: false, gated: false, files: ['a.json', 'b/c.txt'], lastModified: '2024-01-01T00:00:00.000Z' });
    const data = await repoInfo({ type: 'dataset', name: 'org/data' }, { endpoint: hub.url, token: false });
    expect(data.files).toEqual(['x.csv']);
    expect(hub.requests.at(-1)?.path).toBe('/api/datasets/org/data/revision/main');
  });

  it('fails naming the repo when it is missing or offline', async () => {
    const missing = await rejectionOf(repoInfo('org/ghost', { endpoint: hub.url, token: false }));
    expect(missing.message).toMatch(/hub repo org\/ghost was not found/);
    const offline = await rejectionOf(repoInfo('org/tiny', { endpoint: hub.url, offline: true }));
    expect(offline.message).toMatch(/offline: cannot ask the hub about repo org\/tiny/);
  });

  it('fails with HUB_ERROR when the answer is not JSON or has no commit', async () => {
    hub.addFault({ match: { path: '/api/' }, action: { type: 'status', status: 200 }, times: 1 });
    const noSha = await rejectionOf(repoInfo('org/tiny', { endpoint: hub.url, token: false }));
    expect(noSha.message).toMatch(/has no valid commit sha/);
    const notJson = await rejectionOf(repoInfo('org/tiny', {
      endpoint: hub.url,
      token: false,
      fetch: async () => new Response('<html>', { status: 200 }),
    }));
    expect(notJson.message).toMatch(/body that is not JSON/);
  });

  it('refuses an endpoint that is not a URL', async () => {
    const error = await rejectionOf(repoInfo('org/tiny', { endpoint: 'not a url' }));
    expect(error.code).toBe('INVALID_INPUT');
  });
});

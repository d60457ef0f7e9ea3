import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { downloadFileToCacheDir, scanCacheDir, snapshotDownload as hfSnapshotDownload } from '@huggingface/hub';
import { startTestHub, type TestHub } from '@inferox/hub-cache/testing';
import { downloadFile, scanCache, snapshotDownload } from '@inferox/hub-cache';

const weights = new Uint8Array(50_000).map((_, i) => (i * 11) & 0xff);
const files = { 'config.json': '{"hidden_size":8}', 'model.safetensors': weights, 'tokenizer.json': '{"v":1}', 'onnx/model.onnx': weights.subarray(0, 3000) };

describe('hub cache interop with @huggingface/hub', () => {
  let hub: TestHub;
  let cacheDir: string;

  beforeEach(async () => {
    vi.stubEnv('HF_TOKEN', '');
    vi.stubEnv('HF_HUB_OFFLINE', '');
    // @huggingface/hub announces each download on console.debug.
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    cacheDir = await mkdtemp(join(tmpdir(), 'hub-cache-interop-'));
    hub = await startTestHub({ repos: [{ id: 'org/bert', files }] });
  });
  afterEach(async () => {
    await hub.close();
    await rm(cacheDir, { recursive: true, force: true });
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('reads offline, by branch name, a snapshot that @huggingface/hub snapshotDownload wrote', async () => {
    const theirs = await hfSnapshotDownload({ repo: 'org/bert', hubUrl: hub.url, cacheDir });
    const before = hub.requests.length;
    const offline = { cacheDir, offline: true, revision: 'main' };
    expect(await snapshotDownload('org/bert', offline)).toBe(theirs);
    for (const [path, content] of Object.entries(files)) {
      const ours = await downloadFile('org/bert', path, offline);
      expect(ours).toBe(join(theirs, ...path.split('/')));
      expect(Buffer.compare(await readFile(ours), typeof content === 'string' ? Buffer.from(content) : content)).toBe(0);
    }
    expect(hub.requests.length).toBe(before);
  });

  it('reads offline, by commit, files that @huggingface/hub downloadFileToCacheDir wrote', async () => {
    const theirs = await downloadFileToCacheDir({ repo: 'org/bert', path: 'model.safetensors', hubUrl: hub.url, cacheDir });
    const commit = hub.commitOf('org/bert');
    const ours = await downloadFile('org/bert', 'model.safetensors', { cacheDir, offline: true, revision: commit });
    expect(ours).toBe(theirs);
    expect(Buffer.compare(await readFile(ours), weights)).toBe(0);
    // Online by branch name (they wrote no ref), ours finds their snapshot entry and downloads nothing.
    const cdnGets = () => hub.requests.filter((r) => r.server === 'cdn' && r.method === 'GET').length;
    const before = cdnGets();
    expect(await downloadFile('org/bert', 'model.safetensors', { cacheDir, endpoint: hub.url, token: false })).toBe(theirs);
    expect(cdnGets()).toBe(before);
  });

  it('lets @huggingface/hub scanCacheDir read a cache we wrote', async () => {
    const folder = await snapshotDownload('org/bert', { cacheDir, endpoint: hub.url, token: false });
    const theirs = await scanCacheDir(cacheDir);
    expect(theirs.warnings).toEqual([]);
    expect(theirs.repos).toHaveLength(1);
    const [repo] = theirs.repos;
    expect(repo?.id).toEqual({ name: 'org/bert', type: 'model' });
    expect(repo?.revisions[0]?.commitOid).toBe(hub.commitOf('org/bert'));
    expect(repo?.revisions[0]?.refs).toEqual(['main']);
    expect(repo?.revisions[0]?.path).toBe(folder);
    // It counts top-level files only; ours counts nested ones too.
    expect(repo?.revisions[0]?.files.map((f) => f.path.slice(folder.length + 1)).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    const ours = await scanCache(cacheDir);
    expect(ours.repos[0]?.revisions[0]?.files.map((f) => f.path).sort()).toEqual(Object.keys(files).sort());
  });
});

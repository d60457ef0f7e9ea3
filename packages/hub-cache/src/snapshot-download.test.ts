import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestHub, type TestHub } from '@inferox/hub-cache/testing';
import { downloadFile, snapshotDownload } from '@inferox/hub-cache';
import { rejectionOf } from '@inferox/core/testing';


const files = {
  'config.json': '{}',
  'model.safetensors': new Uint8Array(4000).fill(1),
  'onnx/model.onnx': new Uint8Array(3000).fill(2),
  'onnx/model_quantized.onnx': new Uint8Array(2000).fill(3),
  'tf/weights.h5': 'h5',
  'README.md': '# tiny',
};

describe('snapshotDownload', () => {
  let hub: TestHub;
  let cacheDir: string;
  const base = () => ({ endpoint: hub.url, cacheDir, token: false as const, retryBaseDelayMs: 1 });
  const listed = async (folder: string): Promise<string[]> => {
    const all = await readdir(folder, { recursive: true });
    const kept: string[] = [];
    for (const p of all) if ((await stat(join(folder, p))).isFile()) kept.push(p);
    return kept.sort();
  };

  beforeEach(async () => {
    vi.stubEnv('HF_TOKEN', '');
    vi.stubEnv('HF_HUB_OFFLINE', '');
    cacheDir = await mkdtemp(join(tmpdir(), 'hub-snapshot-'));
    hub = await startTestHub({
      repos: [
        { id: 'org/tiny', branches: { main: 'c'.repeat(40), dev: 'd'.repeat(40) }, files },
        { id: 'org/evil', files: { 'ok.txt': 'ok', '../escape.txt': 'gotcha' } },
        { id: 'org/empty', files: {} },
      ],
    });
  });
  afterEach(async () => {
    await hub.close();
    await rm(cacheDir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  it('downloads every file, nested ones included, when no pattern is given', async () => {
    const folder = await snapshotDownload('org/tiny', base());
    expect(folder).toBe(join(cacheDir, 'models--org--tiny', 'snapshots', 'c'.repeat(40)));
    expect(await listed(folder)).toEqual(Object.keys(files).map((p) => p.split('/').join('/')).sort());
    expect(await readFile(join(folder, 'onnx', 'model.onnx'))).toEqual(Buffer.from(files['onnx/model.onnx']));
  });

  it('downloads only what allow selects and ignore does not exclude when patterns are given', async () => {
    const folder = await snapshotDownload('org/tiny', { ...base(), allow: ['*.json', 'onnx/'], ignore: ['*quantized*'] });
    expect(await listed(folder)).toEqual(['config.json', join('onnx', 'model.onnx')]);
    const more = await snapshotDownload('org/tiny', { ...base(), allow: ['[Rt]*', 'tf/weights.h?'] });
    expect(await listed(more)).toEqual(['README.md', 'config.json', join('onnx', 'model.onnx'), join('tf', 'weights.h5')]);
  });

  it('resolves the branch and serves the snapshot offline by branch name when it was downloaded', async () => {
    const folder = await snapshotDownload('org/tiny', { ...base(), revision: 'dev', concurrency: 2 });
    expect(folder.endsWith('d'.repeat(40))).toBe(true);
    expect(await readFile(join(cacheDir, 'models--org--tiny', 'refs', 'dev'), 'utf8')).toBe('d'.repeat(40));
    const before = hub.requests.length;
    expect(await snapshotDownload('org/tiny', { cacheDir, offline: true, revision: 'dev' })).toBe(folder);
    expect(await snapshotDownload('org/tiny', { cacheDir, offline: true, revision: 'd'.repeat(40) })).toBe(folder);
    expect(hub.requests.length).toBe(before);
  });

  it('falls back to the cached snapshot when the hub cannot be reached, and fails when none is cached', async () => {
    const folder = await snapshotDownload('org/tiny', { ...base(), allow: ['*.json'] });
    const endpoint = hub.url;
    await hub.close();
    const warnings: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (m: string) => void warnings.push(m) };
    expect(await snapshotDownload('org/tiny', { ...base(), endpoint, maxRetries: 0, logger })).toBe(folder);
    expect(warnings).toContain('hub unreachable, using the cached snapshot');
    const error = await rejectionOf(snapshotDownload('org/empty', { ...base(), endpoint, maxRetries: 0 }));
    expect(error.message).toMatch(/network error requesting/);
  });

  it('does not fall back to the cache when the hub answers with an error', async () => {
    await snapshotDownload('org/tiny', { ...base(), allow: ['*.json'] });
    hub.addFault({ match: { path: '/api/' }, action: { type: 'status', status: 401 } });
    const error = await rejectionOf(snapshotDownload('org/tiny', base()));
    expect(error.message).toMatch(/HTTP 401/);
  });

  it('fails offline naming repo and revision when the snapshot is not cached', async () => {
    const error = await rejectionOf(snapshotDownload('org/tiny', { cacheDir, offline: true, revision: 'dev' }));
    expect(error.code).toBe('HUB_ERROR');
    expect(error.message).toMatch(/offline: no cached snapshot of hub repo org\/tiny at revision dev/);
  });

  it('refuses the whole snapshot and writes nothing outside the cache when the hub sends an escaping path', async () => {
    const error = await rejectionOf(snapshotDownload('org/evil', base()));
    expect(error.code).toBe('HUB_ERROR');
    expect(error.message).toContain('"../escape.txt" would escape the cache folder');
    await expect(stat(join(cacheDir, 'models--org--evil', 'snapshots', 'escape.txt'))).rejects.toThrow();
    expect(hub.requests.filter((r) => r.path.includes('/resolve/'))).toHaveLength(0);
  });

  it('creates the empty snapshot folder when the repo has no files', async () => {
    const folder = await snapshotDownload('org/empty', base());
    expect(await readdir(folder)).toEqual([]);
  });

  it('stops and reports the first failure when a file cannot be downloaded', async () => {
    hub.addFault({ match: { path: 'model.onnx', method: 'HEAD' }, action: { type: 'status', status: 403 } });
    const error = await rejectionOf(snapshotDownload('org/tiny', { ...base(), concurrency: 1 }));
    expect(error.code).toBe('HUB_ERROR');
    expect(error.message).toContain('HTTP 403');
  });

  it('cancels the downloads still running and reports the failure when another file fails', async () => {
    hub.addRepo({ id: 'org/partial', files: { 'a-large.bin': { size: 2_000_000, seed: 5 }, 'b-broken.json': '{}' } });
    let releaseLarge: () => void = () => undefined;
    let failBroken: () => void = () => undefined;
    hub.addFault({ match: { server: 'cdn', method: 'GET' }, action: { type: 'delay', until: new Promise<void>((r) => (releaseLarge = r)) }, times: 1 });
    hub.addFault({ match: { path: 'b-broken.json', method: 'HEAD' }, action: { type: 'delay', until: new Promise<void>((r) => (failBroken = r)) }, times: 1 });
    hub.addFault({ match: { path: 'b-broken.json', method: 'HEAD' }, action: { type: 'status', status: 404, errorCode: 'EntryNotFound' }, times: 1 });
    const pending = rejectionOf(snapshotDownload('org/partial', { ...base(), concurrency: 2 }));
    await vi.waitFor(() => expect(hub.requests.filter((r) => r.server === 'cdn' && r.method === 'GET')).toHaveLength(1));
    failBroken();
    // The large file's request is still held by the hub: the snapshot must fail without waiting for it.
    const error = await pending;
    expect(error.code).toBe('HUB_ERROR');
    expect(error.message).toContain('HTTP 404');
    expect(error.message).toContain('b-broken.json');
    releaseLarge();
    const large = await downloadFile('org/partial', 'a-large.bin', base());
    expect((await stat(large)).size).toBe(2_000_000);
    expect(hub.requests.filter((r) => r.server === 'cdn' && r.method === 'GET')).toHaveLength(2);
  });
});

import { execFileSync } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isInferoxError } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { startTestHub, type TestHub } from '@inferox/hub-cache/testing';
import { HUB_LIMITS, downloadFile, listFiles, pruneCache, repoInfo, snapshotDownload, verifyCache } from '@inferox/hub-cache';

// Each test serves one malicious behaviour from the test hub on 127.0.0.1 and checks that it ends in a typed error
// (or a verified download) instead of a hang, a full disk or a deleted file.

const LFS = new Uint8Array(4000).map((_, i) => (i * 13) & 0xff);

let hub: TestHub;
let cacheDir: string;
const base = () => ({ endpoint: hub.url, cacheDir, token: false as const, retryBaseDelayMs: 1, maxRetries: 1 });

beforeEach(async () => {
  vi.stubEnv('HF_TOKEN', '');
  vi.stubEnv('HF_HUB_OFFLINE', '');
  cacheDir = await mkdtemp(join(tmpdir(), 'hub-hostile-'));
  hub = await startTestHub({
    treePageSize: 1,
    repos: [{ id: 'org/m', branches: { main: 'c'.repeat(40) }, files: { 'a.json': '{}', 'b.json': '{}', 'c.json': '{}', 'w.bin': LFS } }],
  });
});
afterEach(async () => {
  await hub.close();
  await rm(cacheDir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

async function filesUnder(dir: string): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, size: (await stat(path)).size });
  }
  return out;
}

describe('listFiles against a hostile hub', () => {
  it('refuses a Link: rel="next" pointing back at the same page after one request', async () => {
    hub.addFault({ match: { path: '/tree/' }, action: { type: 'next-link' } });
    const error = await rejectionOf(listFiles('org/m', base()));
    expect(isInferoxError(error, 'HUB_ERROR')).toBe(true);
    expect((error as Error).message).toContain('links back to a page already read');
    expect(hub.requests.filter((r) => r.path.includes('/tree/'))).toHaveLength(1);
  });

  it('stops after maxPages pages, naming the limit', async () => {
    const error = await rejectionOf(listFiles('org/m', { ...base(), maxPages: 2 }));
    expect(isInferoxError(error, 'HUB_ERROR')).toBe(true);
    expect((error as Error).message).toContain('more than 2 pages (maxPages)');
    expect(hub.requests.filter((r) => r.path.includes('/tree/'))).toHaveLength(2);
    expect(await listFiles('org/m', base())).toHaveLength(4);
    expect(HUB_LIMITS.maxTreePages).toBe(1000);
  });
});

describe('hub API answers', () => {
  it('refuses a tree page over maxApiBodyBytes without reading it whole', async () => {
    hub.addFault({ match: { path: '/tree/' }, action: { type: 'replace-body', body: { size: 50_000_000 } } });
    const error = await rejectionOf(listFiles('org/m', { ...base(), maxApiBodyBytes: 1_000_000 }));
    expect(isInferoxError(error, 'HUB_ERROR')).toBe(true);
    expect((error as Error).message).toContain('maxApiBodyBytes');
  });

  it('refuses a repo info answer over the limit when its Content-Length says so', async () => {
    hub.addFault({ match: { path: '/api/models/' }, action: { type: 'replace-body', body: `[${'0,'.repeat(600_000)}0]` } });
    const error = await rejectionOf(repoInfo('org/m', { ...base(), maxApiBodyBytes: 1_000_000 }));
    expect(isInferoxError(error, 'HUB_ERROR')).toBe(true);
    expect((error as Error).message).toContain('over the limit of 1000000 (maxApiBodyBytes)');
  });

  it.each([
    ['not JSON', '{"sha": '],
    ['JSON of the wrong shape', '[null, 1]'],
    ['siblings holding null', JSON.stringify({ sha: 'c'.repeat(40), siblings: [null, 3, { rfilename: 'x' }] })],
  ])('answers HUB_ERROR or a clean result, never a TypeError, when the repo info is %s', async (_what, body) => {
    hub.addFault({ match: { path: '/api/models/' }, action: { type: 'replace-body', body } });
    const outcome = await repoInfo('org/m', base()).then(
      (info) => info.files,
      (error: unknown) => error,
    );
    if (Array.isArray(outcome)) expect(outcome).toEqual(['x']);
    else expect(isInferoxError(outcome, 'HUB_ERROR')).toBe(true);
  });

  it('answers HUB_ERROR when a tree page holds null entries', async () => {
    hub.addFault({ match: { path: '/tree/' }, action: { type: 'replace-body', body: '[null]' } });
    const error = await rejectionOf(listFiles('org/m', base()));
    expect(isInferoxError(error, 'HUB_ERROR')).toBe(true);
    expect((error as Error).message).toContain('malformed entry null');
  });
});

describe('downloadFile against a hostile CDN', () => {
  it('stops at X-Linked-Size when the CDN sends 20 MB more than announced, then verifies the file', async () => {
    hub.addFault({ match: { server: 'cdn' }, action: { type: 'append', bytes: 20_000_000 } });
    const path = await downloadFile('org/m', 'w.bin', base());
    expect(new Uint8Array(await readFile(path))).toEqual(LFS);
    const files = await filesUnder(cacheDir);
    expect(Math.max(...files.map((f) => f.size))).toBe(LFS.length);
  });

  it('cuts a download with no announced size at maxDownloadBytes and deletes the partial file', async () => {
    hub.addFault({ action: { type: 'hide-size' } });
    hub.addFault({ match: { server: 'cdn' }, action: { type: 'append', bytes: 20_000_000 } });
    const error = await rejectionOf(downloadFile('org/m', 'w.bin', { ...base(), maxDownloadBytes: 100_000 }));
    expect(isInferoxError(error, 'HUB_ERROR')).toBe(true);
    expect((error as Error).message).toContain('maxDownloadBytes');
    expect(await filesUnder(join(cacheDir, 'models--org--m', 'blobs'))).toEqual([]);
  });

  it('downloads and verifies a file whose size is not announced when it is under the limit', async () => {
    hub.addFault({ action: { type: 'hide-size' } });
    const path = await downloadFile('org/m', 'w.bin', base());
    expect(new Uint8Array(await readFile(path))).toEqual(LFS);
  });

  it('refuses an announced size over maxDownloadBytes before downloading', async () => {
    const error = await rejectionOf(downloadFile('org/m', 'w.bin', { ...base(), maxDownloadBytes: 1000 }));
    expect((error as Error).message).toContain('announced as 4000 bytes, over the limit of 1000 (maxDownloadBytes)');
    expect(hub.requests.filter((r) => r.server === 'cdn')).toEqual([]);
  });

  it.each(['..', '.', 'abc', 'A'.repeat(40), '../../etc/x'])('refuses the ETag %j before it names a file', async (etag) => {
    hub.addFault({ action: { type: 'etag', etag } });
    for (const file of ['a.json', 'w.bin']) {
      const error = await rejectionOf(downloadFile('org/m', file, base()));
      expect(isInferoxError(error, 'HUB_ERROR')).toBe(true);
      expect((error as Error).message).toContain('a git sha1 or sha256 is expected');
    }
    expect(await readdir(join(cacheDir, 'models--org--m', 'snapshots')).catch(() => [])).toEqual([]);
  });
});

describe('pruneCache with links leaving the cache', () => {
  it('never deletes a file outside the repo blobs/ when a snapshot entry links to it', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'hub-outside-'));
    try {
      const precious = join(outside, 'precious.txt');
      await writeFile(precious, 'keep me');
      const snapshot = await snapshotDownload('org/m', base());
      const entry = join(snapshot, 'a.json');
      expect((await lstat(entry)).isSymbolicLink()).toBe(true);
      await unlink(entry);
      await symlink(precious, entry);
      expect(await readlink(entry)).toBe(precious);
      const result = await pruneCache({ maxBytes: 0, cacheDir });
      expect(result.evicted).toHaveLength(1);
      expect(await readFile(precious, 'utf8')).toBe('keep me');
      expect(await filesUnder(join(cacheDir, 'models--org--m'))).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('verifyCache with a blob that is not a regular file', () => {
  it('reports a FIFO named like a blob instead of waiting on it forever', async () => {
    await snapshotDownload('org/m', base());
    const fifo = join(cacheDir, 'models--org--m', 'blobs', 'f'.repeat(64));
    execFileSync('mkfifo', [fifo]);
    const result = await verifyCache('org/m', { cacheDir });
    expect(result.corrupt).toEqual([{ blobPath: fifo, expected: 'f'.repeat(64), actual: '(not a regular file)', usedBy: [] }]);
    expect(result.checked).toBe(2); // the three identical '{}' files share one blob, plus w.bin
  });
});

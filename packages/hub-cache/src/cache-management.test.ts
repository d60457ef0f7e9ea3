import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestHub, type TestHub } from '@inferox/hub-cache/testing';
import { deleteRevision, pruneCache, scanCache, snapshotDownload, verifyCache } from '@inferox/hub-cache';
import { rejectionOf } from '@inferox/core/testing';


const A = new Uint8Array(3000).fill(0xa);
const B = new Uint8Array(5000).fill(0xb);
const C = new Uint8Array(7000).fill(0xc);
const OLD = '1'.repeat(40);
const NEW = '2'.repeat(40);
const OTHER = '3'.repeat(40);

async function gone(path: string): Promise<boolean> {
  return stat(path).then(
    () => false,
    () => true,
  );
}

describe('cache management', () => {
  let hub: TestHub;
  let cacheDir: string;
  const base = () => ({ endpoint: hub.url, cacheDir, token: false as const });
  const storage = () => join(cacheDir, 'models--org--m');

  /** org/m has revision OLD (shared.txt, onnx/w.bin = A) and NEW (shared.txt, onnx/w.bin = B; main); org/o has C. */
  beforeEach(async () => {
    vi.stubEnv('HF_TOKEN', '');
    vi.stubEnv('HF_HUB_OFFLINE', '');
    cacheDir = await mkdtemp(join(tmpdir(), 'hub-manage-'));
    hub = await startTestHub({
      repos: [
        { id: 'org/m', branches: { main: OLD }, files: { 'shared.txt': 'same', 'onnx/w.bin': A } },
        { id: 'org/o', branches: { main: OTHER }, files: { 'c.bin': C } },
      ],
    });
    await snapshotDownload('org/m', base());
    hub.addRepo({ id: 'org/m', branches: { main: NEW }, files: { 'shared.txt': 'same', 'onnx/w.bin': B } });
    await snapshotDownload('org/m', base());
    await snapshotDownload('org/o', base());
  });
  afterEach(async () => {
    await hub.close();
    await rm(cacheDir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  describe('scanCache', () => {
    it('reports repos, revisions, refs, nested files and distinct blob sizes when the cache has content', async () => {
      const scan = await scanCache(cacheDir);
      expect(scan.warnings).toEqual([]);
      expect(scan.repos.map((r) => `${r.type}:${r.name}`)).toEqual(['model:org/m', 'model:org/o']);
      const m = scan.repos[0];
      expect(m?.fileCount).toBe(3);
      expect(m?.size).toBe(4 + 3000 + 5000);
      expect(scan.size).toBe(4 + 3000 + 5000 + 7000);
      const byCommit = new Map(m?.revisions.map((r) => [r.commit, r]));
      expect(byCommit.get(NEW)?.refs).toEqual(['main']);
      expect(byCommit.get(OLD)?.refs).toEqual([]);
      expect(byCommit.get(OLD)?.files.map((f) => f.path).sort()).toEqual(['onnx/w.bin', 'shared.txt']);
      expect(byCommit.get(OLD)?.size).toBe(3004);
      expect(byCommit.get(NEW)?.lastAccessed).toBeInstanceOf(Date);
    });

    it('scans as empty when the cache folder does not exist', async () => {
      const scan = await scanCache(join(cacheDir, 'missing'));
      expect(scan).toMatchObject({ size: 0, repos: [], warnings: [] });
    });

    it('warns about foreign folders, dangling refs and missing blobs instead of failing', async () => {
      await mkdir(join(cacheDir, 'not-a-repo'));
      await writeFile(join(storage(), 'refs', 'ghost'), '9'.repeat(40));
      await rm(join(storage(), 'blobs', hub.fileInfo('org/m', 'onnx/w.bin').sha256));
      const scan = await scanCache(cacheDir);
      expect(scan.warnings.some((w) => w.includes('not-a-repo') && w.includes('is not a hub cache repo folder'))).toBe(true);
      expect(scan.warnings.some((w) => w.includes('refs ghost point at 9999'))).toBe(true);
      expect(scan.warnings.some((w) => w.includes('points at a missing blob'))).toBe(true);
    });

    it('stops with CANCELLED when the signal is aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(scanCache(cacheDir, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    });
  });

  describe('deleteRevision', () => {
    it('deletes the snapshot and its own blobs but keeps blobs another revision uses', async () => {
      const { freedBytes } = await deleteRevision('org/m', OLD, { cacheDir });
      expect(freedBytes).toBe(3000);
      expect(await gone(join(storage(), 'snapshots', OLD))).toBe(true);
      const newFolder = join(storage(), 'snapshots', NEW);
      expect(await readFile(join(newFolder, 'shared.txt'), 'utf8')).toBe('same');
      expect(Buffer.compare(await readFile(join(newFolder, 'onnx', 'w.bin')), B)).toBe(0);
    });

    it('resolves a ref name and removes the ref when deleting by branch', async () => {
      const { freedBytes } = await deleteRevision('org/m', 'main', { cacheDir });
      expect(freedBytes).toBe(5000);
      expect(await gone(join(storage(), 'refs', 'main'))).toBe(true);
      expect(await readFile(join(storage(), 'snapshots', OLD, 'shared.txt'), 'utf8')).toBe('same');
    });

    it('removes the repo folder with its last revision', async () => {
      expect((await deleteRevision('org/o', OTHER, { cacheDir })).freedBytes).toBe(7000);
      expect(await gone(join(cacheDir, 'models--org--o'))).toBe(true);
    });

    it('fails with HUB_ERROR naming the revision when it is not cached', async () => {
      const error = await rejectionOf(deleteRevision('org/m', 'nope', { cacheDir }));
      expect(error.code).toBe('HUB_ERROR');
      expect(error.message).toMatch(/revision nope of hub repo org\/m is not in the cache/);
    });
  });

  describe('pruneCache', () => {
    async function setAccess(repo: string, path: string, when: number, type: 'sha256' | 'oid' = 'sha256'): Promise<void> {
      const info = hub.fileInfo(repo, path);
      const blob = join(cacheDir, `models--${repo.replace('/', '--')}`, 'blobs', type === 'sha256' ? info.sha256 : info.oid);
      await utimes(blob, new Date(when), new Date(when));
    }

    it('evicts least recently used revisions first and never a blob a kept revision uses', async () => {
      const now = Date.now();
      hub.addRepo({ id: 'org/m', branches: { main: OLD }, files: { 'shared.txt': 'same', 'onnx/w.bin': A } });
      await setAccess('org/m', 'onnx/w.bin', now - 300_000);
      hub.addRepo({ id: 'org/m', branches: { main: NEW }, files: { 'shared.txt': 'same', 'onnx/w.bin': B } });
      await setAccess('org/m', 'onnx/w.bin', now - 200_000);
      await setAccess('org/m', 'shared.txt', now - 400_000, 'oid');
      await setAccess('org/o', 'c.bin', now - 100_000);
      // OLD: max(400k, 300k ago) = 300k ago; NEW: 200k ago; org/o: 100k ago. Total 15004; target 12500.
      const result = await pruneCache({ cacheDir, maxBytes: 12_500 });
      expect(result.evicted).toEqual([{ type: 'model', name: 'org/m', commit: OLD }]);
      expect(result).toMatchObject({ sizeBefore: 15_004, freedBytes: 3000, sizeAfter: 12_004 });
      // stat, not read: reading would count as an access and change the order below.
      expect((await stat(join(storage(), 'snapshots', NEW, 'shared.txt'))).size).toBe(4);
      const deeper = await pruneCache({ cacheDir, maxBytes: 7000 });
      expect(deeper.evicted).toEqual([{ type: 'model', name: 'org/m', commit: NEW }]);
      expect(await gone(storage())).toBe(true);
      expect((await scanCache(cacheDir)).size).toBe(7000);
    });

    it('evicts nothing when the cache already fits', async () => {
      const result = await pruneCache({ cacheDir, maxBytes: 1e9 });
      expect(result).toMatchObject({ evicted: [], freedBytes: 0, sizeAfter: result.sizeBefore });
    });

    it('refuses a negative maxBytes naming it', async () => {
      await expect(pruneCache({ cacheDir, maxBytes: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('maxBytes -1') });
    });
  });

  describe('verifyCache', () => {
    it('reports a corrupt blob with the snapshot entries using it when its bytes changed', async () => {
      const sha = hub.fileInfo('org/m', 'onnx/w.bin').sha256; // the NEW revision's B
      await writeFile(join(storage(), 'blobs', sha), B.subarray(0, 4999));
      await writeFile(join(storage(), 'blobs', 'xet-opaque-etag'), 'x');
      const result = await verifyCache('org/m', { cacheDir });
      expect(result.checked).toBe(3);
      expect(result.skipped).toBe(1);
      expect(result.corrupt).toHaveLength(1);
      expect(result.corrupt[0]).toMatchObject({ expected: sha, usedBy: [`${NEW}/onnx/w.bin`] });
      expect(result.corrupt[0]?.actual).not.toBe(sha);
    });

    it('reports nothing corrupt when every blob matches its name', async () => {
      expect(await verifyCache('org/o', { cacheDir })).toEqual({ checked: 1, skipped: 0, corrupt: [] });
    });
  });
});

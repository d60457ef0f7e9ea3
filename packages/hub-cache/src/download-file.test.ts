import { statSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isInferoxError, type Logger } from '@inferox/core';
import { startTestHub, type TestHub } from '@inferox/hub-cache/testing';
import { downloadFile } from '@inferox/hub-cache';
import { rejectionOf } from '@inferox/core/testing';

const big = new Uint8Array(200_000).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
const unicodePath = 'données/模型 ü.json';

function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('downloadFile', () => {
  let hub: TestHub;
  let cacheDir: string;
  const base = () => ({ endpoint: hub.url, cacheDir, token: false as const, retryBaseDelayMs: 1 });
  const gets = (server: 'hub' | 'cdn' = 'cdn') => hub.requests.filter((r) => r.server === server && r.method === 'GET');

  beforeEach(async () => {
    vi.stubEnv('HF_HUB_OFFLINE', '');
    vi.stubEnv('HF_TOKEN', '');
    cacheDir = await mkdtemp(join(tmpdir(), 'hub-cache-'));
    hub = await startTestHub({
      repos: [
        {
          id: 'org/tiny',
          branches: { main: 'a'.repeat(40), v1: 'b'.repeat(40) },
          files: { 'config.json': '{"a":1}', 'model.bin': big, 'onnx/model.onnx': big.subarray(0, 5000), [unicodePath]: '{"u":"ü"}' },
        },
        { id: 'org/private', token: 'secret', files: { 'model.bin': big } },
        { id: 'org/data', type: 'dataset', files: { 'train.csv': 'a,b\n1,2\n' } },
        { id: 'org/app', type: 'space', files: { 'app.py': 'print("hi")\n' } },
      ],
    });
  });
  afterEach(async () => {
    await hub.close();
    await rm(cacheDir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  it('writes the huggingface_hub layout (blob, relative symlink, ref) when the cache is empty', async () => {
    const path = await downloadFile('org/tiny', 'config.json', base());
    expect(path).toBe(join(cacheDir, 'models--org--tiny', 'snapshots', 'a'.repeat(40), 'config.json'));
    expect(await readFile(path, 'utf8')).toBe('{"a":1}');
    expect(await readlink(path)).toBe(join('..', '..', 'blobs', hub.fileInfo('org/tiny', 'config.json').oid));
    expect(await readFile(join(cacheDir, 'models--org--tiny', 'refs', 'main'), 'utf8')).toBe('a'.repeat(40));
  });

  it('follows the CDN redirect and names the blob by sha256 when the file is stored with LFS', async () => {
    const path = await downloadFile({ type: 'model', name: 'org/tiny' }, 'model.bin', base());
    expect(Buffer.compare(await readFile(path), big)).toBe(0);
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
    expect(await readlink(path)).toBe(join('..', '..', 'blobs', hub.fileInfo('org/tiny', 'model.bin').sha256));
    expect(gets('cdn')).toHaveLength(1);
  });

  it('keeps nested paths nested in the snapshot when the file is in a folder', async () => {
    const path = await downloadFile('org/tiny', 'onnx/model.onnx', base());
    expect(path).toBe(join(cacheDir, 'models--org--tiny', 'snapshots', 'a'.repeat(40), 'onnx', 'model.onnx'));
    expect(await readlink(path)).toBe(join('..', '..', '..', 'blobs', hub.fileInfo('org/tiny', 'onnx/model.onnx').sha256));
    expect(Buffer.compare(await readFile(path), big.subarray(0, 5000))).toBe(0);
  });

  it('downloads files with unicode names when the path is not ASCII', async () => {
    const path = await downloadFile('org/tiny', unicodePath, base());
    expect(path.endsWith(join('données', '模型 ü.json'))).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('{"u":"ü"}');
  });

  it('stores dataset repos under datasets-- when the repo is a dataset', async () => {
    const path = await downloadFile('datasets/org/data', 'train.csv', base());
    expect(path.startsWith(join(cacheDir, 'datasets--org--data', 'snapshots'))).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('a,b\n1,2\n');
  });

  it('stores space repos under spaces-- and asks the spaces/ resolve path when the repo is a space', async () => {
    const path = await downloadFile('spaces/org/app', 'app.py', base());
    expect(path).toBe(join(cacheDir, 'spaces--org--app', 'snapshots', hub.commitOf('org/app', 'main', 'space'), 'app.py'));
    expect(await readFile(path, 'utf8')).toBe('print("hi")\n');
    expect(hub.requests.filter((r) => r.method === 'HEAD').map((r) => r.path)).toEqual(['/spaces/org/app/resolve/main/app.py']);
    expect(await downloadFile({ type: 'space', name: 'org/app' }, 'app.py', { ...base(), offline: true })).toBe(path);
  });

  it('resolves a branch to its commit and records the ref when the revision is a branch', async () => {
    const path = await downloadFile('org/tiny', 'config.json', { ...base(), revision: 'v1' });
    expect(path).toContain(join('snapshots', 'b'.repeat(40)));
    expect(await readFile(join(cacheDir, 'models--org--tiny', 'refs', 'v1'), 'utf8')).toBe('b'.repeat(40));
    const byCommit = await downloadFile('org/tiny', 'config.json', { ...base(), revision: 'b'.repeat(40) });
    expect(byCommit).toBe(path);
  });

  it('serves a cached file by branch name without the network when it is cached', async () => {
    const first = await downloadFile('org/tiny', 'model.bin', base());
    const before = hub.requests.length;
    expect(await downloadFile('org/tiny', 'model.bin', base())).toBe(first);
    expect(await downloadFile('org/tiny', 'model.bin', { ...base(), offline: true })).toBe(first);
    vi.stubEnv('HF_HUB_OFFLINE', '1');
    expect(await downloadFile('org/tiny', 'model.bin', base())).toBe(first);
    expect(hub.requests.length).toBe(before);
  });

  it('names repo, revision and path when offline and the file is not cached', async () => {
    await downloadFile('org/tiny', 'config.json', base());
    const error = await rejectionOf(downloadFile('org/tiny', 'model.bin', { ...base(), offline: true, revision: 'main' }));
    expect(isInferoxError(error, 'HUB_ERROR')).toBe(true);
    expect(error.message).toMatch(/offline: file model\.bin of hub repo org\/tiny at revision main is not in the cache/);
    const unknownRef = await rejectionOf(downloadFile('org/tiny', 'config.json', { ...base(), offline: true, revision: 'v9' }));
    expect(unknownRef.message).toContain('at revision v9');
  });

  it('resumes with Range after the server cuts the connection midway and the result hashes right', async () => {
    hub.addFault({ match: { server: 'cdn', method: 'GET' }, action: { type: 'cut', afterBytes: 70_000 }, times: 1 });
    const path = await downloadFile('org/tiny', 'model.bin', base());
    expect(Buffer.compare(await readFile(path), big)).toBe(0);
    const [first, second] = gets('cdn');
    expect(first?.headers.range).toBeUndefined();
    expect(second?.headers.range).toMatch(/^bytes=([1-9]\d*)-$/);
    expect(Number(/bytes=(\d+)-/.exec(String(second?.headers.range))?.[1])).toBeLessThanOrEqual(70_000);
  });

  it('resumes on the next call from the partial file when the first call ran out of retries', async () => {
    hub.addFault({ match: { server: 'cdn', method: 'GET' }, action: { type: 'cut', afterBytes: 100_000 }, times: 1 });
    const error = await rejectionOf(downloadFile('org/tiny', 'model.bin', { ...base(), maxRetries: 0 }));
    expect(error.code).toBe('HUB_ERROR');
    const incomplete = join(cacheDir, 'models--org--tiny', 'blobs', `${hub.fileInfo('org/tiny', 'model.bin').sha256}.incomplete`);
    const partial = (await stat(incomplete)).size;
    expect(partial).toBeGreaterThan(0);
    const path = await downloadFile('org/tiny', 'model.bin', base());
    expect(Buffer.compare(await readFile(path), big)).toBe(0);
    expect(gets('cdn').at(-1)?.headers.range).toBe(`bytes=${partial}-`);
  });

  it('detects bytes that do not match the etag and caches nothing when the server keeps sending them', async () => {
    hub.addFault({ match: { server: 'cdn' }, action: { type: 'corrupt' } });
    const error = await rejectionOf(downloadFile('org/tiny', 'model.bin', { ...base(), maxRetries: 1 }));
    expect(error.code).toBe('HUB_ERROR');
    expect(error.message).toContain(`does not match its etag ${hub.fileInfo('org/tiny', 'model.bin').sha256}`);
    expect(gets('cdn')).toHaveLength(2);
    expect(await readdir(join(cacheDir, 'models--org--tiny', 'blobs'))).toEqual([]);
    expect(await readdir(join(cacheDir, 'models--org--tiny', 'snapshots'))).toEqual([]);
  });

  it('detects a corrupt small file by its git sha1 and retries when it is corrupt once', async () => {
    hub.addFault({ match: { method: 'GET', path: '/resolve/' }, action: { type: 'corrupt' }, times: 1 });
    const path = await downloadFile('org/tiny', 'config.json', base());
    expect(await readFile(path, 'utf8')).toBe('{"a":1}');
    expect(gets('hub')).toHaveLength(2);
  });

  it('makes one GET when 5 calls for one file run concurrently', async () => {
    const progress: number[] = [];
    const paths = await Promise.all(
      Array.from({ length: 5 }, (_, i) => downloadFile('org/tiny', 'model.bin', { ...base(), onProgress: i === 4 ? (p) => progress.push(p.downloadedBytes) : undefined })),
    );
    expect(new Set(paths).size).toBe(1);
    expect(gets('cdn')).toHaveLength(1);
    expect(hub.requests.filter((r) => r.method === 'HEAD')).toHaveLength(1);
    expect(progress.at(-1)).toBe(big.length);
  });

  it('succeeds after backing off, honouring Retry-After, when the hub answers 503 twice', async () => {
    hub.addFault({ match: { method: 'HEAD' }, action: { type: 'status', status: 503, retryAfter: '0.02' }, times: 2 });
    const logger = recordingLogger();
    const path = await downloadFile('org/tiny', 'config.json', { ...base(), logger });
    expect(await readFile(path, 'utf8')).toBe('{"a":1}');
    const retries = logger.lines.filter((l) => l.message === 'hub request failed, retrying');
    expect(retries.map((l) => l.fields?.delayMs)).toEqual([20, 20]);
    expect(hub.requests.filter((r) => r.method === 'HEAD')).toHaveLength(3);
  });

  it('backs off exponentially with jitter when there is no Retry-After, then fails naming the status', async () => {
    hub.addFault({ match: { method: 'HEAD' }, action: { type: 'status', status: 502 } });
    const logger = recordingLogger();
    const error = await rejectionOf(downloadFile('org/tiny', 'config.json', { ...base(), logger, maxRetries: 3, retryBaseDelayMs: 4 }));
    expect(error.code).toBe('HUB_ERROR');
    expect(error.message).toContain('HTTP 502');
    const delays = logger.lines.filter((l) => l.message === 'hub request failed, retrying').map((l) => Number(l.fields?.delayMs));
    expect(delays).toHaveLength(3);
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(2 * 2 ** i);
      expect(delay).toBeLessThanOrEqual(4 * 2 ** i);
    });
  });

  it('says the repo may be private or gated and that no token was sent when the hub answers 401', async () => {
    const error = await rejectionOf(downloadFile('org/private', 'model.bin', base()));
    expect(error.code).toBe('HUB_ERROR');
    expect(error.message).toMatch(/refused \(HTTP 401\): the repo may be private or gated; no token was sent/);
  });

  it('says a token was sent when the hub answers 403', async () => {
    const error = await rejectionOf(downloadFile('org/private', 'model.bin', { ...base(), token: 'wrong' }));
    expect(error.message).toMatch(/refused \(HTTP 403\).*a token was sent but it does not grant access/);
    expect(error.message).not.toContain('wrong');
  });

  it('sends the token to the hub but not to the CDN host of the redirect', async () => {
    const logger = recordingLogger();
    const path = await downloadFile('org/private', 'model.bin', { ...base(), token: 'secret', logger });
    expect(Buffer.compare(await readFile(path), big)).toBe(0);
    const hubRequests = hub.requests.filter((r) => r.server === 'hub');
    expect(hubRequests.every((r) => r.headers.authorization === 'Bearer secret')).toBe(true);
    expect(gets('cdn')).toHaveLength(1);
    expect(gets('cdn')[0]?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(logger.lines)).not.toContain('secret');
    const files = await readdir(cacheDir, { recursive: true });
    for (const file of files) {
      const full = join(cacheDir, file);
      if ((await stat(full)).isFile()) expect(await readFile(full, 'latin1')).not.toContain('secret');
    }
  });

  it('reads the token from HF_TOKEN, else from the token file under HF_HOME, when none is passed', async () => {
    vi.stubEnv('HF_TOKEN', 'secret');
    await downloadFile('org/private', 'model.bin', { endpoint: hub.url, cacheDir });
    const home = await mkdtemp(join(tmpdir(), 'hf-home-'));
    try {
      vi.stubEnv('HF_TOKEN', '');
      vi.stubEnv('HF_HOME', home);
      await writeFile(join(home, 'token'), 'secret\n');
      const other = join(cacheDir, 'other');
      await downloadFile('org/private', 'model.bin', { endpoint: hub.url, cacheDir: other });
      expect(hub.requests.filter((r) => r.server === 'hub').every((r) => r.headers.authorization === 'Bearer secret')).toBe(true);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('tells a missing repo from a missing file and a missing revision when the hub answers 404', async () => {
    const repo = await rejectionOf(downloadFile('org/ghost', 'config.json', base()));
    expect(repo.message).toMatch(/hub repo org\/ghost was not found on http:\/\/127\.0\.0\.1:\d+ \(HTTP 404 RepoNotFound/);
    const file = await rejectionOf(downloadFile('org/tiny', 'nope/x.txt', base()));
    expect(file.message).toMatch(/file nope\/x\.txt was not found in hub repo org\/tiny at revision main \(HTTP 404 EntryNotFound\)/);
    const revision = await rejectionOf(downloadFile('org/tiny', 'config.json', { ...base(), revision: 'v404' }));
    expect(revision.message).toMatch(/revision v404 of hub repo org\/tiny was not found/);
    expect([repo, file, revision].every((e) => e.code === 'HUB_ERROR')).toBe(true);
  });

  it('remembers a missing file in .no_exist and answers from it without the network when asked again', async () => {
    await rejectionOf(downloadFile('org/tiny', 'nope.txt', base()));
    expect((await stat(join(cacheDir, 'models--org--tiny', '.no_exist', 'a'.repeat(40), 'nope.txt'))).isFile()).toBe(true);
    const before = hub.requests.length;
    const again = await rejectionOf(downloadFile('org/tiny', 'nope.txt', base()));
    expect(again.message).toMatch(/nope\.txt was not found in hub repo org\/tiny at revision main \(cached as absent/);
    expect(hub.requests.length).toBe(before);
  });

  it.each([['../escape.txt'], ['/etc/passwd'], ['a\\b.txt'], ['a//b'], ['./a'], ['C:/x'], ['']])('refuses the path %j when it would escape the cache', async (path) => {
    const error = await rejectionOf(downloadFile('org/tiny', path, base()));
    expect(error.code).toBe('INVALID_INPUT');
    expect(hub.requests).toHaveLength(0);
  });

  it.each([['../x'], ['org/../x'], ['a/b/c'], ['org--x/y'], ['/abs'], ['org/.hidden']])('refuses the repo id %j when it is not a valid hub id', async (repo) => {
    const error = await rejectionOf(downloadFile(repo, 'config.json', base()));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(JSON.stringify(repo.replace(/^\//, '/')).slice(1, -1));
  });

  it('refuses a revision that would escape refs/ and an unknown repo type', async () => {
    expect((await rejectionOf(downloadFile('org/tiny', 'config.json', { ...base(), revision: '../../x' }))).code).toBe('INVALID_INPUT');
    expect((await rejectionOf(downloadFile({ type: 'bucket' as never, name: 'org/tiny' }, 'config.json', base()))).code).toBe('INVALID_INPUT');
  });

  it('fails with TIMEOUT when the hub does not answer within timeoutMs and retries run out', async () => {
    // A gate that never opens (until the hub closes): no attempt can answer, however fast or slow the machine is.
    hub.addFault({ match: { method: 'HEAD' }, action: { type: 'delay', until: new Promise<void>(() => undefined) } });
    const error = await rejectionOf(downloadFile('org/tiny', 'config.json', { ...base(), timeoutMs: 50, maxRetries: 1 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('50 ms');
    // The first attempt and exactly one retry, then nothing more was fetched.
    expect(hub.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['HEAD /org/tiny/resolve/main/config.json', 'HEAD /org/tiny/resolve/main/config.json']);
  });

  it('retries a request that timed out when the next attempt answers', async () => {
    // The first CDN GET is held by a gate that never opens (until the hub closes), so it surely times out.
    hub.addFault({ match: { method: 'GET', server: 'cdn' }, action: { type: 'delay', until: new Promise<void>(() => undefined) }, times: 1 });
    const path = await downloadFile('org/tiny', 'model.bin', { ...base(), timeoutMs: 500 });
    expect(Buffer.compare(await readFile(path), big)).toBe(0);
    expect(gets('cdn')).toHaveLength(2);
  });

  it('fails with a network error naming the URL when the hub cannot be reached', async () => {
    const endpoint = hub.url;
    await hub.close();
    const error = await rejectionOf(downloadFile('org/tiny', 'config.json', { ...base(), endpoint, maxRetries: 1 }));
    expect(error.code).toBe('HUB_ERROR');
    expect(error.message).toMatch(/network error requesting http:\/\/127\.0\.0\.1:\d+\/org\/tiny\/resolve\/main\/config\.json/);
  });

  it('rejects with CANCELLED promptly when the signal aborts during the download', async () => {
    let openGate: () => void = () => undefined;
    hub.addFault({ match: { server: 'cdn', method: 'GET' }, action: { type: 'delay', until: new Promise<void>((r) => (openGate = r)) } });
    const controller = new AbortController();
    const pending = downloadFile('org/tiny', 'model.bin', { ...base(), signal: controller.signal });
    await vi.waitFor(() => expect(gets('cdn')).toHaveLength(1));
    controller.abort(new Error('user gave up'));
    const error = await rejectionOf(pending);
    expect(error.code).toBe('CANCELLED');
    openGate();
    const aborted = new AbortController();
    aborted.abort();
    expect((await rejectionOf(downloadFile('org/tiny', 'model.bin', { ...base(), signal: aborted.signal }))).code).toBe('CANCELLED');
  });

  it('downloads for a caller without a signal when the only other caller of that file has just aborted', async () => {
    let openGate: () => void = () => undefined;
    hub.addFault({ match: { server: 'cdn', method: 'GET' }, action: { type: 'delay', until: new Promise<void>((r) => (openGate = r)) }, times: 1 });
    const controller = new AbortController();
    const first = rejectionOf(downloadFile('org/tiny', 'model.bin', { ...base(), signal: controller.signal }));
    await vi.waitFor(() => expect(gets('cdn')).toHaveLength(1));
    controller.abort(new Error('A gave up'));
    // B asks at once, while A's aborted download has not settled yet: it must get the file, not A's cancellation.
    const second = downloadFile('org/tiny', 'model.bin', base());
    expect((await first).code).toBe('CANCELLED');
    const path = await second;
    expect(Buffer.compare(await readFile(path), big)).toBe(0);
    openGate();
  });

  it('takes over a lock left by a dead process when the lock file names one', async () => {
    const sha = hub.fileInfo('org/tiny', 'model.bin').sha256;
    const lock = join(cacheDir, '.locks', 'models--org--tiny', `${sha}.lock`);
    await mkdir(join(cacheDir, '.locks', 'models--org--tiny'), { recursive: true });
    await writeFile(lock, '2147483646');
    const logger = recordingLogger();
    const path = await downloadFile('org/tiny', 'model.bin', { ...base(), logger });
    expect(Buffer.compare(await readFile(path), big)).toBe(0);
    expect(logger.lines.some((l) => l.message === 'taking over a lock left by a dead process')).toBe(true);
    await expect(stat(lock)).rejects.toThrow();
  });

  it('verifies a partial file that is already complete without another GET', async () => {
    const blobs = join(cacheDir, 'models--org--tiny', 'blobs');
    await mkdir(blobs, { recursive: true });
    await writeFile(join(blobs, `${hub.fileInfo('org/tiny', 'model.bin').sha256}.incomplete`), big);
    const path = await downloadFile('org/tiny', 'model.bin', base());
    expect(Buffer.compare(await readFile(path), big)).toBe(0);
    expect(gets('cdn')).toHaveLength(0);
  });

  it('starts over without Range when the partial file is longer than the file', async () => {
    const blobs = join(cacheDir, 'models--org--tiny', 'blobs');
    await mkdir(blobs, { recursive: true });
    await writeFile(join(blobs, `${hub.fileInfo('org/tiny', 'model.bin').sha256}.incomplete`), new Uint8Array(big.length + 10));
    const path = await downloadFile('org/tiny', 'model.bin', base());
    expect(Buffer.compare(await readFile(path), big)).toBe(0);
    expect(gets('cdn').map((r) => r.headers.range)).toEqual([undefined]);
  });

  it('rewrites the file from the start when the server ignores Range', async () => {
    hub.addFault({ match: { server: 'cdn', method: 'GET' }, action: { type: 'cut', afterBytes: 80_000 }, times: 1 });
    hub.addFault({ match: { server: 'cdn', method: 'GET' }, action: { type: 'ignore-range' } });
    const path = await downloadFile('org/tiny', 'model.bin', base());
    expect(Buffer.compare(await readFile(path), big)).toBe(0);
    expect(gets('cdn')[1]?.headers.range).toMatch(/^bytes=\d+-$/);
  });

  it('keeps the partial bytes for a later resume when the CDN answers an error status', async () => {
    hub.addFault({ match: { server: 'cdn', method: 'GET' }, action: { type: 'cut', afterBytes: 90_000 }, times: 1 });
    await rejectionOf(downloadFile('org/tiny', 'model.bin', { ...base(), maxRetries: 0 }));
    const incomplete = join(cacheDir, 'models--org--tiny', 'blobs', `${hub.fileInfo('org/tiny', 'model.bin').sha256}.incomplete`);
    const partial = (await stat(incomplete)).size;
    expect(partial).toBeGreaterThan(0);
    hub.addFault({ match: { server: 'cdn', method: 'GET' }, action: { type: 'status', status: 403 }, times: 1 });
    const error = await rejectionOf(downloadFile('org/tiny', 'model.bin', base()));
    expect(error.message).toContain('HTTP 403');
    expect((await stat(incomplete)).size).toBe(partial);
    await downloadFile('org/tiny', 'model.bin', base());
    expect(gets('cdn').at(-1)?.headers.range).toBe(`bytes=${partial}-`);
  });

  it('downloads a blob shared by two paths once when both are requested at the same time', async () => {
    hub.addRepo({ id: 'org/twins', files: { 'a.bin': big, 'copy/a.bin': big } });
    const logger = recordingLogger();
    const [a, b] = await Promise.all([downloadFile('org/twins', 'a.bin', { ...base(), logger }), downloadFile('org/twins', 'copy/a.bin', { ...base(), logger })]);
    expect(Buffer.compare(await readFile(a), await readFile(b))).toBe(0);
    expect(gets('cdn')).toHaveLength(1);
    expect(logger.lines.some((l) => l.message === 'waiting for lock')).toBe(true);
  });

  it('rejects with CANCELLED while backing off when the signal aborts', async () => {
    hub.addFault({ match: { method: 'HEAD' }, action: { type: 'status', status: 503, retryAfter: '30' } });
    const controller = new AbortController();
    const logger = recordingLogger();
    const pending = downloadFile('org/tiny', 'config.json', { ...base(), signal: controller.signal, logger });
    await vi.waitFor(() => expect(logger.lines.some((l) => l.message === 'hub request failed, retrying')).toBe(true));
    controller.abort();
    expect((await rejectionOf(pending)).code).toBe('CANCELLED');
  });

  it('takes over an empty lock file left behind by another tool when it is not fresh', async () => {
    const sha = hub.fileInfo('org/tiny', 'model.bin').sha256;
    const lock = join(cacheDir, '.locks', 'models--org--tiny', `${sha}.lock`);
    await mkdir(join(cacheDir, '.locks', 'models--org--tiny'), { recursive: true });
    await writeFile(lock, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    const path = await downloadFile('org/tiny', 'model.bin', base());
    expect(Buffer.compare(await readFile(path), big)).toBe(0);
  });

  it('streams a large file to disk chunk by chunk instead of buffering it whole', async () => {
    const size = 24 * 1024 * 1024;
    hub.addRepo({ id: 'org/large', files: { 'weights.bin': { size, seed: 3 } } });
    const incomplete = join(cacheDir, 'models--org--large', 'blobs', `${hub.fileInfo('org/large', 'weights.bin').sha256}.incomplete`);
    let events = 0;
    let checked = 0;
    const path = await downloadFile('org/large', 'weights.bin', {
      ...base(),
      onProgress: ({ downloadedBytes, totalBytes }) => {
        events += 1;
        expect(totalBytes).toBe(size);
        if (downloadedBytes < size / 2 && events % 16 === 0) {
          // Bytes reported are already on disk while most of the body has not arrived yet.
          expect(statSync(incomplete).size).toBe(downloadedBytes);
          checked += 1;
        }
      },
    });
    expect(events).toBeGreaterThan(100);
    expect(checked).toBeGreaterThan(0);
    expect((await stat(path)).size).toBe(size);
  });
});

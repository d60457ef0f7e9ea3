import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './index';

describe('startTestHub', () => {
  let hub: TestHub | undefined;
  afterEach(async () => {
    await hub?.close();
  });

  const start = async (extra: Partial<Parameters<typeof startTestHub>[0]> = {}): Promise<TestHub> => {
    hub = await startTestHub({
      repos: [
        { id: 'org/tiny', branches: { main: 'a'.repeat(40), 'refs/pr/1': 'b'.repeat(40) }, files: { 'small.txt': 'hello', 'gen.bin': { size: 5000, seed: 2 }, 'd/e.txt': 'e' } },
        { id: 'org/space', type: 'space', files: { 'app.py': 'print()' } },
      ],
      ...extra,
    });
    return hub;
  };

  it('serves small files inline with a git sha1 ETag and X-Repo-Commit', async () => {
    const h = await start();
    const response = await fetch(`${h.url}/org/tiny/resolve/main/small.txt`);
    expect(await response.text()).toBe('hello');
    const oid = createHash('sha1').update('blob 5\0hello').digest('hex');
    expect(response.headers.get('etag')).toBe(`"${oid}"`);
    expect(response.headers.get('x-repo-commit')).toBe('a'.repeat(40));
    expect(h.fileInfo('org/tiny', 'small.txt')).toEqual({ oid, sha256: createHash('sha256').update('hello').digest('hex'), size: 5, lfs: false });
  });

  it('redirects LFS files to the CDN origin and serves ranges there', async () => {
    const h = await start();
    const head = await fetch(`${h.url}/org/tiny/resolve/${encodeURIComponent('refs/pr/1')}/gen.bin`, { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(302);
    expect(head.headers.get('x-repo-commit')).toBe('b'.repeat(40));
    const info = h.fileInfo('org/tiny', 'gen.bin');
    expect(head.headers.get('x-linked-etag')).toBe(`"${info.sha256}"`);
    expect(head.headers.get('x-linked-size')).toBe('5000');
    const location = String(head.headers.get('location'));
    expect(location.startsWith(h.cdnUrl)).toBe(true);
    const whole = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect(createHash('sha256').update(whole).digest('hex')).toBe(info.sha256);
    const part = await fetch(location, { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/5000');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(whole.subarray(10, 20));
    const suffix = await fetch(location, { headers: { range: 'bytes=-5' } });
    expect(Buffer.from(await suffix.arrayBuffer())).toEqual(whole.subarray(4995));
    const beyond = await fetch(location, { headers: { range: 'bytes=5000-' } });
    expect(beyond.status).toBe(416);
    expect((await fetch(location, { headers: { range: 'lines=1-2' } })).status).toBe(416);
    expect((await fetch(`${h.cdnUrl}/cdn/${'0'.repeat(64)}`)).status).toBe(404);
  });

  it('answers the info, tree and paths-info endpoints', async () => {
    const h = await start({ onRequest: () => undefined });
    const info = (await (await fetch(`${h.url}/api/models/org/tiny`)).json()) as { sha: string; siblings: { rfilename: string }[] };
    expect(info.sha).toBe('a'.repeat(40));
    expect(info.siblings.map((s) => s.rfilename)).toEqual(['d/e.txt', 'gen.bin', 'small.txt']);
    const space = (await (await fetch(`${h.url}/api/spaces/org/space/revision/main`)).json()) as { id: string };
    expect(space.id).toBe('org/space');
    const tree = (await (await fetch(`${h.url}/api/models/org/tiny/tree/main/d?recursive=false&expand=true`)).json()) as { path: string; lastCommit: { id: string } }[];
    expect(tree.map((e) => [e.path, e.lastCommit.id])).toEqual([['d/e.txt', 'a'.repeat(40)]]);
    const json = await fetch(`${h.url}/api/models/org/tiny/paths-info/main`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ paths: ['gen.bin', 'nope', 'd'], expand: true }),
    });
    expect(((await json.json()) as { path: string; type: string }[]).map((e) => `${e.type}:${e.path}`)).toEqual(['file:gen.bin', 'directory:d']);
    const form = await fetch(`${h.url}/api/models/org/tiny/paths-info/main`, { method: 'POST', body: new URLSearchParams([['paths', 'small.txt'], ['expand', 'True']]) });
    expect(((await form.json()) as { lfs?: unknown }[])[0]?.lfs).toBeUndefined();
    expect((await fetch(`${h.url}/api/models/org/tiny/other/main`)).status).toBe(404);
    expect((await fetch(`${h.url}/api/models/org/tiny/revision/v9`)).headers.get('x-error-code')).toBe('RevisionNotFound');
    expect((await fetch(`${h.url}/api/unknown`)).headers.get('x-error-code')).toBe('RepoNotFound');
    expect((await fetch(`${h.url}/favicon.ico`)).status).toBe(404);
  });

  it('applies status faults a limited number of times and can clear them', async () => {
    const h = await start({ faults: [{ match: { path: /small/, server: 'hub' }, action: { type: 'status', status: 429, retryAfter: '1', errorCode: 'Throttled' }, times: 1 }] });
    const first = await fetch(`${h.url}/org/tiny/resolve/main/small.txt`);
    expect([first.status, first.headers.get('retry-after'), first.headers.get('x-error-code')]).toEqual([429, '1', 'Throttled']);
    expect((await fetch(`${h.url}/org/tiny/resolve/main/small.txt`)).status).toBe(200);
    h.addFault({ action: { type: 'status', status: 500 } });
    expect((await fetch(`${h.url}/org/tiny/resolve/main/small.txt`)).status).toBe(500);
    h.clearFaults();
    expect((await fetch(`${h.url}/org/tiny/resolve/main/small.txt`)).status).toBe(200);
  });

  it('cuts the connection after the given bytes when a cut fault applies', async () => {
    const h = await start({ faults: [{ match: { method: 'GET', server: 'cdn' }, action: { type: 'cut', afterBytes: 100 } }] });
    const response = await fetch(`${h.cdnUrl}/cdn/${h.fileInfo('org/tiny', 'gen.bin').sha256}`);
    await expect(response.arrayBuffer()).rejects.toThrow();
    h.clearFaults();
    h.addFault({ action: { type: 'cut', afterBytes: 1_000_000 } });
    // A body shorter than afterBytes arrives whole; only the connection is dropped afterwards.
    expect(await fetch(`${h.url}/org/tiny/resolve/main/small.txt`).then((r) => r.text())).toBe('hello');
  });

  it('releases requests held by a delay when the hub closes', async () => {
    // An explicit gate: the hub tells the test when it has the request (no polling on a clock).
    let arrived!: (path: string) => void;
    const received = new Promise<string>((resolve) => (arrived = resolve));
    const h = await start({ faults: [{ action: { type: 'delay', until: new Promise(() => undefined) } }], onRequest: (r) => arrived(r.path) });
    let outcome = 'pending';
    const pending = fetch(`${h.url}/org/tiny/resolve/main/small.txt`).then(
      () => (outcome = 'answered'),
      () => (outcome = 'dropped'),
    );
    expect(await received).toBe('/org/tiny/resolve/main/small.txt');
    expect(outcome).toBe('pending');
    await h.close();
    await h.close();
    expect(await pending).toBe('dropped');
  });

  it('asks for the token a repo requires, with 401 when missing and 403 when wrong', async () => {
    const h = await start();
    h.addRepo({ id: 'org/secret', token: 't', files: { 'a.txt': 'a' } });
    expect((await fetch(`${h.url}/org/secret/resolve/main/a.txt`)).status).toBe(401);
    expect((await fetch(`${h.url}/api/models/org/secret`, { headers: { authorization: 'Bearer x' } })).status).toBe(403);
    expect((await fetch(`${h.url}/org/secret/resolve/main/a.txt`, { headers: { authorization: 'Bearer t' } })).status).toBe(200);
  });

  it('throws naming the repo, file or revision when a helper is asked about unknown ones', async () => {
    const h = await start();
    expect(() => h.fileInfo('org/none', 'x')).toThrow(/has no model repo org\/none/);
    expect(() => h.fileInfo('org/tiny', 'x')).toThrow(/has no file x/);
    expect(() => h.commitOf('org/tiny', 'v9')).toThrow(/has no revision v9/);
    expect(h.commitOf('org/tiny', 'b'.repeat(40))).toBe('b'.repeat(40));
    expect(h.commitOf('org/space', 'main', 'space')).toMatch(/^[0-9a-f]{40}$/);
  });
});

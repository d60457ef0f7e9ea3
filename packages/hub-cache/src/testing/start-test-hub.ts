import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodePath, matches, parseRange, sendError, sendJson, writeChunk } from './internal/test-hub-http';
import { type PreparedFile, type PreparedRepo, type RepoType, TYPE_PLURAL, concat, generate, prepareRepo } from './internal/test-hub-repos';
import type { TestHub, TestHubFault, TestHubFaultAction, TestHubOptions, TestHubRepo, TestHubRequest, TestHubServer } from './test-hub-types';

interface ActiveFault {
  readonly fault: TestHubFault;
  remaining: number;
}

/**
 * Starts a fake Hugging Face hub on 127.0.0.1 (two listeners: the hub and a "CDN" on another port) that speaks the
 * endpoints `huggingface_hub`, `@huggingface/hub` and `@inferox/hub-cache` use:
 *
 * - `GET /api/{models|datasets|spaces}/{id}[/revision/{rev}]`: repo info with `sha` and `siblings`;
 * - `GET /api/{type}s/{id}/tree/{rev}[/{path}]?recursive=true|false`: the tree, paginated with a `Link` header;
 * - `POST /api/{type}s/{id}/paths-info/{rev}`: path infos with `lastCommit`;
 * - `GET|HEAD /[datasets/|spaces/]{id}/resolve/{rev}/{path}`: `X-Repo-Commit` and, for small files, the content with
 *   a git-sha1 `ETag`; for LFS files a `302` to the CDN listener with `X-Linked-Etag` (sha256) and `X-Linked-Size`;
 * - the CDN serves `GET|HEAD /cdn/{sha256}` with `Range` support (`206`, `416`).
 *
 * 404s carry `X-Error-Code` (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`). Faults (connection cut midway,
 * corrupt bytes, ignored ranges, status codes with `Retry-After`, delays and gates) apply to matching requests. Every request is
 * recorded in `requests`. Call `close()` when done: it leaves no handle behind.
 *
 * @param options - the repos to serve and the faults to inject.
 * @returns the running hub.
 * @example
 * ```ts
 * const hub = await startTestHub({ repos: [{ id: 'org/tiny', files: { 'config.json': '{}' } }] });
 * try { await downloadFile('org/tiny', 'config.json', { endpoint: hub.url, cacheDir }); }
 * finally { await hub.close(); }
 * ```
 */
export async function startTestHub(options: TestHubOptions): Promise<TestHub> {
  const repos = new Map<string, PreparedRepo>();
  const addRepo = (repo: TestHubRepo): void => {
    const prepared = prepareRepo(repo);
    repos.set(`${prepared.type}:${prepared.id}`, prepared);
  };
  for (const repo of options.repos) addRepo(repo);
  let faults: ActiveFault[] = (options.faults ?? []).map((fault) => ({ fault, remaining: fault.times ?? Infinity }));
  const requests: TestHubRequest[] = [];
  const pendingWaits = new Set<() => void>();
  let closed = false;
  let hubUrl = '';
  let cdnUrl = '';

  const findRepo = (type: RepoType, rest: string): { repo: PreparedRepo; remainder: string } | undefined => {
    let best: PreparedRepo | undefined;
    for (const repo of repos.values()) {
      if (repo.type !== type) continue;
      if ((rest === repo.id || rest.startsWith(`${repo.id}/`)) && (!best || repo.id.length > best.id.length)) best = repo;
    }
    return best ? { repo: best, remainder: rest.slice(best.id.length + 1) } : undefined;
  };

  /** Splits `{rev}[/{rest}]` where rev may itself contain slashes (`refs/pr/1`). */
  const splitRevision = (repo: PreparedRepo, text: string): { revision: string; commit: string | undefined; rest: string } => {
    const names = Object.keys(repo.branches).sort((a, b) => b.length - a.length);
    for (const name of names) {
      if (text === name || text.startsWith(`${name}/`)) return { revision: name, commit: repo.branches[name], rest: text.slice(name.length + 1) };
    }
    const [first = '', ...others] = text.split('/');
    const known = Object.values(repo.branches).includes(first);
    return { revision: first, commit: known ? first : undefined, rest: others.join('/') };
  };

  const authorize = (repo: PreparedRepo, req: IncomingMessage, res: ServerResponse): boolean => {
    if (repo.token === undefined) return true;
    const auth = req.headers.authorization;
    if (!auth) {
      sendError(res, 401, 'GatedRepo', `Access to repo ${repo.id} is restricted: you must be authenticated.`);
      return false;
    }
    if (auth !== `Bearer ${repo.token}`) {
      sendError(res, 403, 'GatedRepo', `Access to repo ${repo.id} is restricted and you are not in the authorized list.`);
      return false;
    }
    return true;
  };

  const wait = (action: Extract<TestHubFaultAction, { type: 'delay' }>): Promise<void> =>
    new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        pendingWaits.delete(done);
        resolve();
      };
      pendingWaits.add(done);
      if (closed) return done();
      const gates: Promise<unknown>[] = [];
      if (action.ms !== undefined) gates.push(new Promise<void>((r) => (timer = setTimeout(r, action.ms))));
      if (action.until) gates.push(action.until);
      Promise.all(gates).then(done, done);
    });

  const sendBody = async (
    req: IncomingMessage,
    res: ServerResponse,
    file: PreparedFile,
    etag: string,
    headers: Record<string, string>,
    bodyFaults: TestHubFaultAction[],
  ): Promise<void> => {
    const range = bodyFaults.some((a) => a.type === 'ignore-range') ? null : parseRange(req.headers.range, file.size);
    if (range === 'invalid') {
      res.writeHead(416, { 'Content-Range': `bytes */${file.size}`, 'Content-Length': 0, ...headers });
      res.end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: file.size };
    const append = bodyFaults.find((a): a is Extract<TestHubFaultAction, { type: 'append' }> => a.type === 'append');
    const unsized = append !== undefined || bodyFaults.some((a) => a.type === 'hide-size');
    res.writeHead(range ? 206 : 200, {
      ...headers,
      'Content-Type': 'application/octet-stream',
      ...(unsized ? {} : { 'Content-Length': end - start }),
      'Accept-Ranges': 'bytes',
      ETag: `"${etag}"`,
      ...(range ? { 'Content-Range': `bytes ${start}-${end - 1}/${file.size}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    const cut = bodyFaults.find((a): a is Extract<TestHubFaultAction, { type: 'cut' }> => a.type === 'cut');
    const corrupt = bodyFaults.some((a) => a.type === 'corrupt');
    let sent = 0;
    for (const original of concat(file.read(start, end), append ? generate({ size: append.bytes, seed: 1 }, 0, append.bytes) : [])) {
      if (res.destroyed) return;
      let chunk = original;
      if (corrupt) chunk = chunk.map((byte) => byte ^ 0xff);
      if (cut && sent + chunk.length >= cut.afterBytes) {
        const head = chunk.subarray(0, Math.max(0, cut.afterBytes - sent));
        await new Promise<void>((resolve) => res.write(head, () => resolve()));
        res.socket?.destroy();
        return;
      }
      sent += chunk.length;
      await writeChunk(res, chunk);
    }
    if (cut) {
      // The body was shorter than `afterBytes`: flush it, then drop the connection before the response ends.
      await new Promise<void>((resolve) => res.write(new Uint8Array(0), () => resolve()));
      res.socket?.destroy();
      return;
    }
    res.end();
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL, path: string, faults: TestHubFaultAction[]): Promise<void> => {
    const link = faults.find((a): a is Extract<TestHubFaultAction, { type: 'next-link' }> => a.type === 'next-link');
    if (link) {
      const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, unknown>) => ServerResponse;
      res.writeHead = ((status: number, headers: Record<string, unknown> = {}) =>
        writeHead(status, { ...headers, Link: `<${link.href ?? new URL(req.url ?? '/', hubUrl).href}>; rel="next"` })) as typeof res.writeHead;
    }
    const match = /^\/api\/(models|datasets|spaces)\/(.+)$/.exec(path);
    const type = match ? (Object.keys(TYPE_PLURAL) as RepoType[]).find((t) => TYPE_PLURAL[t] === match[1]) : undefined;
    const found = match && type ? findRepo(type, match[2] ?? '') : undefined;
    if (!found) return sendError(res, 404, 'RepoNotFound', `Repository not found for path ${path}`);
    const { repo, remainder } = found;
    if (!authorize(repo, req, res)) return;
    const [kind = '', ...restParts] = remainder.split('/');
    const { revision, commit, rest } =
      kind === '' ? { revision: 'main', commit: repo.branches.main, rest: '' } : splitRevision(repo, restParts.join('/'));
    if (commit === undefined) return sendError(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    const paths = [...repo.files.keys()].sort();
    if (kind === '' || kind === 'revision') {
      return sendJson(res, 200, {
        _id: createHash('sha1').update(repo.id).digest('hex').slice(0, 24),
        id: repo.id,
        sha: commit,
        private: repo.token !== undefined,
        gated: false,
        disabled: false,
        downloads: 0,
        likes: 0,
        tags: [],
        lastModified: '2024-01-01T00:00:00.000Z',
        siblings: paths.map((rfilename) => ({ rfilename })),
      });
    }
    const entryFor = (entryPath: string, expand: boolean): Record<string, unknown> => {
      const file = repo.files.get(entryPath);
      const lastCommit = expand ? { lastCommit: { id: commit, title: 'test commit', date: '2024-01-01T00:00:00.000Z' } } : {};
      if (!file) return { type: 'directory', oid: createHash('sha1').update(entryPath).digest('hex'), size: 0, path: entryPath, ...lastCommit };
      return {
        type: 'file',
        oid: file.oid,
        size: file.size,
        path: file.path,
        ...(file.lfs ? { lfs: { oid: file.sha256, size: file.size, pointerSize: 134 } } : {}),
        ...lastCommit,
      };
    };
    const directories = new Set<string>();
    for (const p of paths) {
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i++) directories.add(parts.slice(0, i).join('/'));
    }
    if (kind === 'tree') {
      const prefix = rest;
      if (prefix !== '' && !directories.has(prefix)) return sendError(res, 404, 'EntryNotFound', `${prefix} does not exist on ${revision}`);
      const recursive = url.searchParams.get('recursive') === 'true' || url.searchParams.get('recursive') === '1';
      const expand = url.searchParams.get('expand') === 'true';
      const under = [...paths, ...directories]
        .filter((p) => (prefix === '' ? true : p.startsWith(`${prefix}/`)))
        .filter((p) => recursive || !p.slice(prefix === '' ? 0 : prefix.length + 1).includes('/'))
        .sort();
      const cursor = Number(url.searchParams.get('cursor') ?? '0');
      const pageSize = options.treePageSize ?? Infinity;
      const page = under.slice(cursor, cursor + pageSize);
      const headers: Record<string, string> = {};
      if (cursor + pageSize < under.length) {
        const next = new URL(url.pathname, hubUrl);
        url.searchParams.forEach((value, key) => key !== 'cursor' && next.searchParams.set(key, value));
        next.searchParams.set('cursor', String(cursor + pageSize));
        headers.Link = `<${next.href}>; rel="next"`;
      }
      return sendJson(res, 200, page.map((p) => entryFor(p, expand)), headers);
    }
    if (kind === 'paths-info' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      let wanted: string[];
      let expand: boolean;
      if ((req.headers['content-type'] ?? '').includes('json')) {
        const body = JSON.parse(text) as { paths?: string[]; expand?: boolean };
        wanted = body.paths ?? [];
        expand = body.expand === true;
      } else {
        const form = new URLSearchParams(text);
        wanted = form.getAll('paths');
        expand = form.get('expand') === 'true' || form.get('expand') === 'True';
      }
      const known = wanted.filter((p) => repo.files.has(p) || directories.has(p));
      return sendJson(res, 200, known.map((p) => entryFor(p, expand)));
    }
    return sendError(res, 404, undefined, `No such endpoint: ${path}`);
  };

  const handleResolve = async (req: IncomingMessage, res: ServerResponse, path: string, bodyFaults: TestHubFaultAction[]): Promise<void> => {
    let type: RepoType = 'model';
    let rest = path.slice(1);
    if (rest.startsWith('datasets/')) [type, rest] = ['dataset', rest.slice('datasets/'.length)];
    else if (rest.startsWith('spaces/')) [type, rest] = ['space', rest.slice('spaces/'.length)];
    const marker = rest.indexOf('/resolve/');
    const found = marker > 0 ? findRepo(type, rest) : undefined;
    if (!found || !found.remainder.startsWith('resolve/')) return sendError(res, 404, 'RepoNotFound', `Repository not found for path ${path}`);
    const { repo } = found;
    if (!authorize(repo, req, res)) return;
    const { revision, commit, rest: filePath } = splitRevision(repo, found.remainder.slice('resolve/'.length));
    if (commit === undefined) return sendError(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    const file = repo.files.get(filePath);
    if (!file) return sendError(res, 404, 'EntryNotFound', `${filePath} does not exist on ${revision}`, { 'X-Repo-Commit': commit });
    const etag = bodyFaults.find((a): a is Extract<TestHubFaultAction, { type: 'etag' }> => a.type === 'etag')?.etag;
    if (file.lfs) {
      res.writeHead(302, {
        Location: `${cdnUrl}/cdn/${file.sha256}?filename=${encodeURIComponent(filePath)}`,
        'X-Repo-Commit': commit,
        'X-Linked-Etag': `"${etag ?? file.sha256}"`,
        ...(bodyFaults.some((a) => a.type === 'hide-size') ? {} : { 'X-Linked-Size': String(file.size) }),
        ETag: `"${etag ?? file.oid}"`,
        'Content-Length': 0,
      });
      return void res.end();
    }
    await sendBody(req, res, file, etag ?? file.oid, { 'X-Repo-Commit': commit }, bodyFaults);
  };

  const handleCdn = async (req: IncomingMessage, res: ServerResponse, path: string, bodyFaults: TestHubFaultAction[]): Promise<void> => {
    const sha = /^\/cdn\/([0-9a-f]{64})$/.exec(path)?.[1];
    for (const repo of repos.values()) {
      for (const file of repo.files.values()) {
        if (file.sha256 === sha) return sendBody(req, res, file, file.sha256, {}, bodyFaults);
      }
    }
    sendError(res, 404, undefined, `No such object: ${path}`);
  };

  const sendReplacement = async (res: ServerResponse, action: Extract<TestHubFaultAction, { type: 'replace-body' }>): Promise<void> => {
    const type = { 'Content-Type': action.contentType ?? 'application/json' };
    if (typeof action.body === 'string') {
      res.writeHead(200, { ...type, 'Content-Length': Buffer.byteLength(action.body) });
      return void res.end(action.body);
    }
    res.writeHead(200, type);
    for (const chunk of generate(action.body, 0, action.body.size)) {
      if (res.destroyed || closed) return;
      await writeChunk(res, chunk);
    }
    res.end();
  };

  const handle = async (server: TestHubServer, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const record: TestHubRequest = { server, method, path: req.url ?? '/', headers: { ...req.headers } };
    requests.push(record);
    options.onRequest?.(record);
    const url = new URL(req.url ?? '/', server === 'hub' ? hubUrl : cdnUrl);
    const path = decodePath(url.pathname);
    const applicable: TestHubFaultAction[] = [];
    for (const active of faults) {
      if (active.remaining > 0 && matches(active.fault, server, method, path)) {
        active.remaining -= 1;
        applicable.push(active.fault.action);
      }
    }
    for (const action of applicable) if (action.type === 'delay') await wait(action);
    if (closed || res.destroyed) return;
    const status = applicable.find((a): a is Extract<TestHubFaultAction, { type: 'status' }> => a.type === 'status');
    if (status) {
      return sendError(res, status.status, status.errorCode, `Injected status ${status.status}`, status.retryAfter === undefined ? {} : { 'Retry-After': status.retryAfter });
    }
    if (server === 'cdn') return handleCdn(req, res, path, applicable);
    const replace = applicable.find((a): a is Extract<TestHubFaultAction, { type: 'replace-body' }> => a.type === 'replace-body');
    if (replace) return sendReplacement(res, replace);
    if (path.startsWith('/api/')) return handleApi(req, res, url, path, applicable);
    if (path.includes('/resolve/')) return handleResolve(req, res, path, applicable);
    sendError(res, 404, 'RepoNotFound', `Repository not found for path ${path}`);
  };

  const listen = async (server: TestHubServer): Promise<{ http: Server; url: string }> => {
    const http = createServer((req, res) => {
      handle(server, req, res).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, 500, undefined, `test hub failure: ${String(error)}`);
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(0, '127.0.0.1', () => resolve());
    });
    return { http, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
  };

  const hub = await listen('hub');
  const cdn = await listen('cdn');
  hubUrl = hub.url;
  cdnUrl = cdn.url;

  const lookup = (repoId: string, type: RepoType): PreparedRepo => {
    const repo = repos.get(`${type}:${repoId}`);
    if (!repo) throw new Error(`test hub has no ${type} repo ${repoId}`);
    return repo;
  };

  return {
    url: hubUrl,
    cdnUrl,
    requests,
    addFault: (fault) => void faults.push({ fault, remaining: fault.times ?? Infinity }),
    clearFaults: () => void (faults = []),
    addRepo,
    fileInfo: (repoId, path, type = 'model') => {
      const file = lookup(repoId, type).files.get(path);
      if (!file) throw new Error(`test hub repo ${repoId} has no file ${path}`);
      return { oid: file.oid, sha256: file.sha256, size: file.size, lfs: file.lfs };
    },
    commitOf: (repoId, revision = 'main', type = 'model') => {
      const repo = lookup(repoId, type);
      const commit = repo.branches[revision] ?? (Object.values(repo.branches).includes(revision) ? revision : undefined);
      if (commit === undefined) throw new Error(`test hub repo ${repoId} has no revision ${revision}`);
      return commit;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const done of [...pendingWaits]) done();
      await Promise.all(
        [hub.http, cdn.http].map(
          (http) =>
            new Promise<void>((resolve) => {
              http.close(() => resolve());
              http.closeAllConnections();
            }),
        ),
      );
    },
  };
}

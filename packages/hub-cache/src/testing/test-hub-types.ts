/** Bytes of a generated file: `size` bytes of a deterministic pattern derived from `seed`, produced on the fly. */
export interface GeneratedFile {
  /** Size in bytes (may be large: the content is never held in memory whole). */
  readonly size: number;
  /** Seed for the pattern. @defaultValue `0` */
  readonly seed?: number;
}

/** The content of one file in a {@link TestHubRepo}. */
export type TestHubFileContent = Uint8Array | string | GeneratedFile;

/** A repository the test hub serves. */
export interface TestHubRepo {
  /** `org/name` (or a bare `name`). */
  readonly id: string;
  /** @defaultValue `'model'` */
  readonly type?: 'model' | 'dataset' | 'space';
  /**
   * Branch (and tag) names to commit shas (40 hex). @defaultValue `{ main: <a sha derived from id and files> }`
   */
  readonly branches?: Readonly<Record<string, string>>;
  /** Files by path in the repo (`/`-separated, e.g. `onnx/model.onnx`). */
  readonly files: Readonly<Record<string, TestHubFileContent>>;
  /**
   * Files of at least this many bytes are served as LFS files: the resolve endpoint answers `302` to the CDN with
   * `X-Linked-Etag` (sha256) and `X-Linked-Size`; smaller files are served inline with a git-sha1 `ETag`.
   * @defaultValue `1024`
   */
  readonly lfsMinBytes?: number;
  /**
   * When set, every hub request for this repo must carry `Authorization: Bearer <token>`: none → `401`,
   * another token → `403` (as for a gated repo the token has no access to).
   */
  readonly token?: string;
}

/** Which of the two listeners a request reached. */
export type TestHubServer = 'hub' | 'cdn';

/** Which requests a {@link TestHubFault} applies to; every given field must match. */
export interface TestHubFaultMatch {
  /** `GET`, `HEAD`, `POST`. */
  readonly method?: string;
  /** A substring of (string) or pattern for (RegExp) the decoded request path, query excluded. */
  readonly path?: string | RegExp;
  /** The listener. */
  readonly server?: TestHubServer;
}

/** What a fault does to a matching request. */
export type TestHubFaultAction =
  /**
   * Sends the headers and the first `afterBytes` bytes of the body, then destroys the connection (a body no longer
   * than `afterBytes` arrives whole before the connection is dropped).
   */
  | { readonly type: 'cut'; readonly afterBytes: number }
  /** Ignores a `Range` header and answers `200` with the whole body, as some proxies do. */
  | { readonly type: 'ignore-range' }
  /** Serves the body with every byte changed (same length), so its hash no longer matches the etag. */
  | { readonly type: 'corrupt' }
  /** Answers `status` (e.g. 503, 429, 401, 403) with an optional `Retry-After` and `X-Error-Code`. */
  | { readonly type: 'status'; readonly status: number; readonly retryAfter?: string; readonly errorCode?: string }
  /**
   * Waits before handling the request normally: `ms` milliseconds and/or until `until` settles (a gate the test
   * opens). The wait ends early when the hub closes.
   */
  | { readonly type: 'delay'; readonly ms?: number; readonly until?: Promise<unknown> };

/** A fault injected into matching requests. */
export interface TestHubFault {
  readonly match?: TestHubFaultMatch;
  readonly action: TestHubFaultAction;
  /** How many matching requests it applies to, after which it is spent. @defaultValue `Infinity` */
  readonly times?: number;
}

/** Options for {@link startTestHub}. */
export interface TestHubOptions {
  readonly repos: readonly TestHubRepo[];
  readonly faults?: readonly TestHubFault[];
  /** Entries per page of the tree endpoint; more entries are paginated with a `Link: <...>; rel="next"` header. */
  readonly treePageSize?: number;
  /** Called for every request as it arrives (after it is recorded in `requests`). */
  readonly onRequest?: (request: TestHubRequest) => void;
}

/** One request the hub received. */
export interface TestHubRequest {
  readonly server: TestHubServer;
  readonly method: string;
  /** The request target as sent (path and query, percent-encoded). */
  readonly path: string;
  /** Lower-cased header names to values. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** A running test hub; see {@link startTestHub}. */
export interface TestHub {
  /** The hub endpoint, e.g. `http://127.0.0.1:41234` (pass as `endpoint` / `HF_ENDPOINT` / `hubUrl`). */
  readonly url: string;
  /** The CDN listener LFS downloads are redirected to: another port, hence another origin. */
  readonly cdnUrl: string;
  /** Every request received by either listener, in arrival order. */
  readonly requests: TestHubRequest[];
  /** Adds a fault at run time. */
  addFault(fault: TestHubFault): void;
  /** Removes every fault. */
  clearFaults(): void;
  /** Adds (or replaces, by type and id) a repository at run time. */
  addRepo(repo: TestHubRepo): void;
  /** The hashes the hub serves for a file: git-sha1 `oid`, `sha256`, `size`, and whether it is served as LFS. */
  fileInfo(repoId: string, path: string, type?: TestHubRepo['type']): { oid: string; sha256: string; size: number; lfs: boolean };
  /** The commit a branch (or sha) of a repo resolves to. */
  commitOf(repoId: string, revision?: string, type?: TestHubRepo['type']): string;
  /** Stops both listeners, drops open connections and pending delays. Idempotent. */
  close(): Promise<void>;
}

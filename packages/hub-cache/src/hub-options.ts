import type { Logger } from '@inferox/core';

/** Options of every operation on the local cache. */
export interface CacheOptions {
  /**
   * The hub cache folder. @defaultValue `HF_HUB_CACHE`, else `HF_HOME/hub`, else `XDG_CACHE_HOME/huggingface/hub`,
   * else `~/.cache/huggingface/hub` (see {@link resolveCacheDir})
   */
  readonly cacheDir?: string;
  /** Aborts the operation; it then fails with `CANCELLED`. */
  readonly signal?: AbortSignal;
}

/** What a progress callback receives. */
export interface DownloadProgress {
  /** The file's path in the repo. */
  readonly path: string;
  /** Bytes of the file now on disk (including bytes resumed from an earlier attempt). */
  readonly downloadedBytes: number;
  /** The file's size when the hub announced it. */
  readonly totalBytes: number | undefined;
}

/** Options of every operation that may talk to the hub. */
export interface HubOptions extends CacheOptions {
  /** A branch, tag or commit sha. @defaultValue `'main'` */
  readonly revision?: string;
  /**
   * The access token, or `false` to send none. Sent only to the hub's own origin, never logged or cached.
   * @defaultValue `HF_TOKEN`, else the token file `HF_HOME/token` (`~/.cache/huggingface/token`)
   */
  readonly token?: string | false;
  /** The hub's base URL. @defaultValue `HF_ENDPOINT`, else `https://huggingface.co` */
  readonly endpoint?: string;
  /** Serve from the cache only, never touching the network. @defaultValue `HF_HUB_OFFLINE` is `1`/`true` */
  readonly offline?: boolean;
  /** Retries of a request after 429, 5xx, a network error, a timeout or a corrupt download. @defaultValue `5` */
  readonly maxRetries?: number;
  /** First backoff delay; it doubles each retry (with jitter), capped by `retryMaxDelayMs`. @defaultValue `1000` */
  readonly retryBaseDelayMs?: number;
  /** Longest wait between retries, `Retry-After` included. @defaultValue `30000` */
  readonly retryMaxDelayMs?: number;
  /** How long a request may wait for response headers, or between two chunks of a body. @defaultValue `30000` */
  readonly timeoutMs?: number;
  /** Where debug/warn lines go (never with the token). @defaultValue `noopLogger` */
  readonly logger?: Logger;
  /** The fetch implementation. @defaultValue `globalThis.fetch` */
  readonly fetch?: typeof fetch;
  /**
   * Largest hub API answer (repo info, a tree page) read, in bytes; a bigger one is `HUB_ERROR` without being read
   * whole. @defaultValue `32 MiB` ({@link HUB_LIMITS})
   */
  readonly maxApiBodyBytes?: number;
  /**
   * Largest file a download may write: an announced size (`X-Linked-Size`/`Content-Length`) above it is refused,
   * and a body with no announced size is cut at it (`HUB_ERROR`, the partial file deleted). A body longer than its
   * announced size is always cut at that size, then verified. @defaultValue `50 GiB` ({@link HUB_LIMITS})
   */
  readonly maxDownloadBytes?: number;
}

/** Default limits of hub-cache; change them per call with the options of the same name. */
export const HUB_LIMITS = Object.freeze({
  /** {@link HubOptions.maxApiBodyBytes}. */
  maxApiBodyBytes: 32 * 1024 * 1024,
  /** {@link HubOptions.maxDownloadBytes}: the hub's own largest file. */
  maxDownloadBytes: 50 * 1024 ** 3,
  /** `ListFilesOptions.maxPages`: tree pages followed by one {@link listFiles} call. */
  maxTreePages: 1000,
});

/** Options of {@link downloadFile}. */
export interface DownloadFileOptions extends HubOptions {
  /** Called as bytes reach the disk. */
  readonly onProgress?: (progress: DownloadProgress) => void;
}

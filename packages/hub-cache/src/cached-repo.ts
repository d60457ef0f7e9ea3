import type { RepoType } from './repo-ref';

/** One file of a cached revision. */
export interface CachedFile {
  /** `/`-separated path in the repo (`onnx/model.onnx`). */
  readonly path: string;
  /** The snapshot entry on disk. */
  readonly filePath: string;
  /** The blob it resolves to (the entry itself where the cache holds copies). */
  readonly blobPath: string;
  readonly size: number;
  readonly lastAccessed: Date;
  readonly lastModified: Date;
}

/** One cached revision (a snapshot folder). */
export interface CachedRevision {
  readonly commit: string;
  /** Refs pointing at it (`main`, `refs/pr/1`). */
  readonly refs: readonly string[];
  /** The snapshot folder. */
  readonly path: string;
  /** Bytes of the distinct blobs its files use. */
  readonly size: number;
  readonly files: readonly CachedFile[];
  /** The latest access of any of its blobs. */
  readonly lastAccessed: Date;
  readonly lastModified: Date;
}

/** One cached repo. */
export interface CachedRepo {
  readonly type: RepoType;
  /** `org/name`. */
  readonly name: string;
  /** Its folder (`models--org--name`). */
  readonly path: string;
  /** Bytes of the distinct blobs its revisions use. */
  readonly size: number;
  /** Distinct blobs its revisions use. */
  readonly fileCount: number;
  readonly revisions: readonly CachedRevision[];
  readonly lastAccessed: Date;
  readonly lastModified: Date;
}

/** What {@link scanCache} returns. */
export interface CacheScan {
  readonly cacheDir: string;
  /** Bytes of every repo's blobs. */
  readonly size: number;
  readonly repos: readonly CachedRepo[];
  /** Folders that are not valid cached repos, refs to missing snapshots, dangling links. */
  readonly warnings: readonly string[];
}

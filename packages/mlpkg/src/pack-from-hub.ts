import { basename } from 'node:path';
import { throwIfAborted } from '@inferox/core';
import { snapshotDownload, type HubOptions } from '@inferox/hub-cache';
import { guardAbort } from './internal/guard-abort';
import { TOKENIZER_FILES } from './internal/scan-checkpoint';
import { packModel, type PackOptions } from './pack-model';
import type { VerifiedPackage } from './verify-package';

/** The repo files {@link packFromHub} downloads by default: everything pack reads, nothing else. */
export const PACK_FROM_HUB_FILES: readonly string[] = [
  'config.json',
  '*.safetensors',
  'model.safetensors.index.json',
  'model.onnx',
  'model.onnx_data',
  'model.onnx.data',
  'onnx/model.onnx',
  'onnx/model.onnx_data',
  'onnx/model.onnx.data',
  'model.json',
  'tfjs/*',
  '*.bin',
  ...TOKENIZER_FILES,
];

/** Options for {@link packFromHub}: pack's options, the revision and token, and further hub-cache options. */
export interface PackFromHubOptions extends Omit<PackOptions, 'source'> {
  /** A branch, tag or commit sha. @defaultValue `'main'` */
  readonly revision?: string;
  /** The hub access token, or `false` for none. @defaultValue as `@inferox/hub-cache` (`HF_TOKEN`, token file) */
  readonly token?: string | false;
  /** Repo files to download (Python `fnmatch` patterns). @defaultValue {@link PACK_FROM_HUB_FILES} */
  readonly allow?: readonly string[];
  /** Further hub-cache options: `endpoint`, `cacheDir`, `offline`, retries, timeouts, `fetch`. */
  readonly hub?: Omit<HubOptions, 'revision' | 'token' | 'signal'>;
}

/**
 * Downloads a Hugging Face repo through the hub cache (`@inferox/hub-cache`), then packs the snapshot; metadata.json
 * records the repo id, the revision asked for and the commit it resolved to.
 *
 * @param repoId - `org/name`.
 * @param outDir - the package folder to create.
 * @throws InferoxError `HUB_ERROR` (download), `PACKAGE_INVALID` (the checkpoint), `INVALID_INPUT`, `CANCELLED`.
 * @example
 * ```ts
 * await packFromHub('acme/tiny-bert', './tiny-bert.mlpkg', { revision: 'v1.0' });
 * ```
 */
export async function packFromHub(repoId: string, outDir: string, options: PackFromHubOptions = {}): Promise<VerifiedPackage> {
  const { signal } = options;
  const revision = options.revision ?? 'main';
  const snapshot = await guardAbort(
    () =>
      snapshotDownload(repoId, {
        ...options.hub,
        revision,
        allow: options.allow ?? PACK_FROM_HUB_FILES,
        ...(options.token === undefined ? {} : { token: options.token }),
        ...(options.logger ? { logger: options.logger } : {}),
        ...(signal ? { signal } : {}),
      }),
    signal,
    `download of ${repoId}`,
    'HUB_ERROR',
  );
  throwIfAborted(signal, 'pack from hub');
  const { revision: _revision, token: _token, allow: _allow, hub: _hub, ...packOptions } = options;
  return packModel(snapshot, outDir, {
    ...packOptions,
    name: options.name ?? repoId,
    source: { repo_id: repoId, revision, commit: basename(snapshot) },
    // A cache snapshot's entries are links into the repo's blobs/ folder, which hub-cache wrote itself.
    externalLinks: 'follow',
  });
}

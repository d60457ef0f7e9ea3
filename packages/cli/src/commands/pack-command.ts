import { lstat } from 'node:fs/promises';
import { type VerifiedPackage, packFromHub, packModel } from '@inferox/mlpkg';
import type { CliIO } from '../cli-io';
import { formatSize } from '../internal/parse-size';

/** Flags of `inferox pack`. */
export interface PackFlags {
  readonly output: string;
  readonly revision?: string;
  readonly overwrite?: boolean;
  readonly name?: string;
  /** Copy what links leaving the source folder point at (refused by default). */
  readonly followExternalLinks?: boolean;
}

/**
 * `inferox pack <dir|repo-id> -o <dir>`: packs a local checkpoint folder, or a hub repo through the cache. Anything
 * at the path (even a broken link or a link loop) is local, so its real problem is named instead of calling the path
 * "not a valid hub repo id"; only a path with nothing there is taken for a repo id.
 */
export async function packCommand(io: CliIO, source: string, flags: PackFlags): Promise<void> {
  const local = await lstat(source).then(
    () => true,
    () => false,
  );
  const options = { ...(flags.overwrite ? { overwrite: true } : {}), ...(flags.name ? { name: flags.name } : {}) };
  const result: VerifiedPackage = local
    ? await packModel(source, flags.output, { ...options, externalLinks: flags.followExternalLinks ? 'follow' : 'refuse' })
    : await packFromHub(source, flags.output, { ...options, ...(flags.revision ? { revision: flags.revision } : {}) });
  const bytes = result.metadata.files.reduce((n, f) => n + f.size, 0);
  io.stdout(`packed ${result.metadata.name} → ${flags.output} (${result.metadata.files.length} files, ${formatSize(bytes)})\n`);
}

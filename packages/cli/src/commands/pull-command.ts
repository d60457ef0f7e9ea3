import { snapshotDownload } from '@inferox/hub-cache';
import type { CliIO } from '../cli-io';
import { ProgressDisplay } from '../internal/progress-display';

/** Flags of `inferox pull`. */
export interface PullFlags {
  readonly revision?: string;
  readonly include?: readonly string[];
  readonly cacheDir?: string;
}

/** `inferox pull <repo-id>`: downloads a snapshot into the hub cache and prints its folder. */
export async function pullCommand(io: CliIO, repo: string, flags: PullFlags): Promise<void> {
  const display = new ProgressDisplay(io.stderr, io.isTTY);
  const folder = await snapshotDownload(repo, {
    ...(flags.revision ? { revision: flags.revision } : {}),
    ...(flags.include?.length ? { allow: [...flags.include] } : {}),
    ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
    onProgress: (p) => display.update(p),
  });
  display.finish();
  io.stdout(`${folder}\n`);
}

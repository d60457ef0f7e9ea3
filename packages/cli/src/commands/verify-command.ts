import { verifyPackage } from '@inferox/mlpkg';
import type { CliIO } from '../cli-io';

/** `inferox verify <dir>`: checks every listed file's size and sha256, and that nothing is unlisted. */
export async function verifyCommand(io: CliIO, dir: string): Promise<void> {
  const result = await verifyPackage(dir);
  io.stdout(`ok: ${dir} (${result.metadata.name} ${result.metadata.version}, ${result.metadata.files.length} files verified)\n`);
}

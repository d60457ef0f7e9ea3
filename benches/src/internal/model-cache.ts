import { createHash } from 'node:crypto';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The folder that keeps the bench's generated models (checkpoints and their ONNX files) from one run to the next:
 * `<cacheRoot>/models-<key>`, the key a hash of the files that make them (the checkpoint generator and the builds it
 * and the exporter use), so a change to any of them makes fresh ones. Folders of other keys are removed. Generating
 * them took 5.7 s of CPU a quick pass (base-width 4.5 s, small 1.5 s), every pass alike.
 */
export async function modelCacheDir(cacheRoot: string, makers: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of makers) hash.update(await readFile(file)).update('\0');
  const name = `models-${hash.digest('hex').slice(0, 16)}`;
  const others = (await readdir(cacheRoot).catch(() => [] as string[])).filter((entry) => entry.startsWith('models-') && entry !== name);
  await Promise.all(others.map((entry) => rm(join(cacheRoot, entry), { recursive: true, force: true })));
  return join(cacheRoot, name);
}

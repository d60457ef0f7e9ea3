import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where the hub cache lives, as Python `huggingface_hub` decides it: an explicit `cacheDir` wins, then
 * `HF_HUB_CACHE`, then `HF_HOME/hub`, then `XDG_CACHE_HOME/huggingface/hub`, then `~/.cache/huggingface/hub`.
 *
 * @param options - `cacheDir` to use as is.
 * @returns an absolute path (the folder may not exist yet).
 * @example
 * ```ts
 * resolveCacheDir(); // '/home/me/.cache/huggingface/hub'
 * ```
 */
export function resolveCacheDir(options: { readonly cacheDir?: string } = {}): string {
  const env = process.env;
  if (options.cacheDir) return resolve(options.cacheDir);
  if (env.HF_HUB_CACHE) return resolve(env.HF_HUB_CACHE);
  if (env.HF_HOME) return resolve(env.HF_HOME, 'hub');
  return resolve(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface', 'hub');
}

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { modelCacheDir } from './model-cache';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('modelCacheDir', () => {
  it('names a folder by the content of the files that make the models, and removes the folders of other contents', async () => {
    root = await mkdtemp(join(tmpdir(), 'bench-model-cache-'));
    const maker = join(root, 'generator.ts');
    await writeFile(maker, 'one');
    const cacheRoot = join(root, 'cache');
    const first = await modelCacheDir(cacheRoot, [maker]);
    expect(first).toMatch(/models-[0-9a-f]{16}$/);
    expect(await modelCacheDir(cacheRoot, [maker])).toBe(first);
    await mkdir(first, { recursive: true });
    await writeFile(join(cacheRoot, 'unrelated'), 'kept');
    await writeFile(maker, 'two');
    const second = await modelCacheDir(cacheRoot, [maker]);
    expect(second).not.toBe(first);
    expect([existsSync(first), existsSync(join(cacheRoot, 'unrelated'))]).toEqual([false, true]);
  });
});

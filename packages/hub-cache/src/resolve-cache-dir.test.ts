import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveCacheDir } from '@inferox/hub-cache';

describe('resolveCacheDir', () => {
  beforeEach(() => {
    for (const name of ['HF_HUB_CACHE', 'HF_HOME', 'XDG_CACHE_HOME']) vi.stubEnv(name, '');
  });
  afterEach(() => vi.unstubAllEnvs());

  it('uses ~/.cache/huggingface/hub when no variable is set', () => {
    expect(resolveCacheDir()).toBe(join(homedir(), '.cache', 'huggingface', 'hub'));
  });

  it('follows XDG_CACHE_HOME, then HF_HOME, then HF_HUB_CACHE, in rising priority', () => {
    vi.stubEnv('XDG_CACHE_HOME', '/xdg');
    expect(resolveCacheDir()).toBe(resolve('/xdg/huggingface/hub'));
    vi.stubEnv('HF_HOME', '/hf-home');
    expect(resolveCacheDir()).toBe(resolve('/hf-home/hub'));
    vi.stubEnv('HF_HUB_CACHE', '/hub-cache');
    expect(resolveCacheDir()).toBe(resolve('/hub-cache'));
  });

  it('lets an explicit cacheDir win over every variable', () => {
    vi.stubEnv('HF_HUB_CACHE', '/hub-cache');
    expect(resolveCacheDir({ cacheDir: 'relative/cache' })).toBe(resolve('relative/cache'));
  });
});

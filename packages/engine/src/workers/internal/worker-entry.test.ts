import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isInferoxError } from '@inferox/core';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveWorkerEntry } from './worker-entry';

const temp = mkdtempSync(join(tmpdir(), 'inferox-entry-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('resolveWorkerEntry', () => {
  it('points at dist/workers/worker.js without a loader when running from the bundle', () => {
    const entry = resolveWorkerEntry('file:///app/node_modules/@inferox/engine/dist/chunk-ABC.js');
    expect(entry).toEqual({ filename: new URL('file:///app/node_modules/@inferox/engine/dist/workers/worker.js'), eval: false, execArgv: [], mode: 'built' });
  });

  it('bootstraps tsx and the source condition before importing worker.ts when running from sources', () => {
    const entry = resolveWorkerEntry();
    expect(entry.mode).toBe('source');
    expect(entry.eval).toBe(true);
    expect(entry.execArgv).toEqual(['--conditions=@inferox/source']);
    expect(entry.filename).toContain('tsx/dist/esm/api/index.mjs');
    expect(entry.filename).toContain(new URL('../worker.ts', import.meta.url).href);
  });

  it('throws BACKEND_UNAVAILABLE when running from sources where tsx cannot be resolved', () => {
    const error = thrown(() => resolveWorkerEntry(pathToFileURL(join(temp, 'src/workers/internal/worker-entry.ts')).href));
    expect(isInferoxError(error, 'BACKEND_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('tsx');
  });

  it('throws BACKEND_UNAVAILABLE naming the manifest when the tsx found lacks the esm api', () => {
    const root = join(temp, 'old-tsx');
    mkdirSync(join(root, 'node_modules/tsx'), { recursive: true });
    writeFileSync(join(root, 'node_modules/tsx/package.json'), JSON.stringify({ name: 'tsx', version: '3.0.0', exports: { './package.json': './package.json' } }));
    const error = thrown(() => resolveWorkerEntry(pathToFileURL(join(root, 'src/x.ts')).href));
    expect(isInferoxError(error, 'BACKEND_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain(join(root, 'node_modules/tsx/package.json'));
  });
});

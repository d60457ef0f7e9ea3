import { describe, expect, it } from 'vitest';
import { resolveWorkerEntry } from './worker-entry';

describe('resolveWorkerEntry', () => {
  it('points at dist/workers/worker.js without the process options when running from the bundle', () => {
    const entry = resolveWorkerEntry('file:///app/node_modules/@inferox/engine/dist/chunk-ABC.js');
    expect(entry).toEqual({ filename: new URL('file:///app/node_modules/@inferox/engine/dist/workers/worker.js'), eval: false, execArgv: [], mode: 'built' });
  });

  it('points at src/workers/worker.ts with the process options, booting no loader, when running from sources', () => {
    const entry = resolveWorkerEntry();
    expect(entry).toEqual({ filename: new URL('../worker.ts', import.meta.url), eval: false, mode: 'source' });
    expect(String(entry.filename)).not.toContain('tsx');
  });
});

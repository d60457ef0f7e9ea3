import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('@inferox/engine public API', () => {
  it('exports the engine, its parsers and session keys, and no scheduler or worker primitive, when imported', () => {
    expect(Object.keys(api).sort()).toEqual(['ALONE_REASONS', 'PRIORITIES', 'createEngine', 'createSessionKey', 'parseEngineConfig', 'parseModelSpec']);
    for (const name of ['createEngine', 'parseEngineConfig', 'parseModelSpec', 'createSessionKey'] as const) expect(typeof api[name], name).toBe('function');
    expect(api.PRIORITIES).toEqual(['critical', 'high', 'normal', 'low']);
    expect(api.ALONE_REASONS).toContain('shape-mismatch');
  });
});

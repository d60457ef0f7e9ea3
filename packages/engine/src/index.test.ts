import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('@inferox/engine public API', () => {
  it('exports the engine, config parsers, session keys, scheduler and worker factories when imported', () => {
    for (const name of ['createEngine', 'parseEngineConfig', 'parseModelSpec', 'createSessionKey', 'createScheduler', 'createAdmissionPool', 'priorityRank', 'createWorkerInstance']) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(api.PRIORITIES).toEqual(['critical', 'high', 'normal', 'low']);
    expect(api.ALONE_REASONS).toContain('shape-mismatch');
  });
});

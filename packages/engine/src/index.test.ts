import { describe, expect, it } from 'vitest';
import { createEngine } from './engine';
import { parseEngineConfig } from './engine-config';
import * as api from './index';
import { firstBadField } from './internal/parse-with';
import { parseModelSpec } from './model-spec';
import { ALONE_REASONS, PRIORITIES } from './scheduler/index';
import { createSessionKey } from './session-key';

describe('@inferox/engine public API', () => {
  it('exports the engine, its parsers, the field namer for config errors and session keys, and no scheduler or worker primitive, when imported', () => {
    expect(Object.keys(api).sort()).toEqual(['ALONE_REASONS', 'PRIORITIES', 'createEngine', 'createSessionKey', 'firstBadField', 'parseEngineConfig', 'parseModelSpec']);
    // The very implementations, not look-alikes (a wrapper or a stale copy would differ).
    expect(api.createEngine).toBe(createEngine);
    expect(api.parseEngineConfig).toBe(parseEngineConfig);
    expect(api.parseModelSpec).toBe(parseModelSpec);
    expect(api.firstBadField).toBe(firstBadField);
    expect(api.createSessionKey).toBe(createSessionKey);
    expect(api.PRIORITIES).toEqual(['critical', 'high', 'normal', 'low']);
    expect(api.ALONE_REASONS).toEqual(['queue-empty', 'shape-mismatch', 'delay-expired', 'batching-off', 'no-capacity']);
    expect(api.PRIORITIES).toBe(PRIORITIES);
    expect(api.ALONE_REASONS).toBe(ALONE_REASONS);
    expect(Object.isFrozen(api.ALONE_REASONS)).toBe(true);
  });
});

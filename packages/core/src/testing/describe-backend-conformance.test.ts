import { afterAll, describe, expect, it } from 'vitest';
import { adderExpected, adderFeeds, adderLimits, createAdderBackend } from './adder-backend.fixture';
import { describeBackendConformance } from './describe-backend-conformance';

// The suite run against a correct pure-JS backend: every check must pass.
const created: ReturnType<typeof createAdderBackend>[] = [];

describeBackendConformance({
  name: 'adder (pure JS)',
  createBackend: () => {
    const backend = createAdderBackend();
    created.push(backend);
    return backend;
  },
  source: 'adder',
  loadOptions: { name: 'adder-under-test' },
  feeds: adderFeeds,
  expected: adderExpected,
  limits: adderLimits,
});

describe('describeBackendConformance', () => {
  afterAll(() => {
    // After the suite's own afterAll: it created one backend, loaded models on it and disposed all of them.
    expect(created).toHaveLength(1);
    expect(created[0]!.loaded.length).toBeGreaterThanOrEqual(2);
    expect(created[0]!.loaded.every((h) => h.disposed)).toBe(true);
  });

  it('registers its checks against one backend when it runs', () => {
    expect(created).toHaveLength(1);
  });
});

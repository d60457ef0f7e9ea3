import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isInferoxError } from '@inferox/core';
import { startTestHub, type TestHub } from '@inferox/hub-cache/testing';
import { listFiles, repoInfo } from '@inferox/hub-cache';

// Fuzzing hub answers: whatever the (test) hub on 127.0.0.1 answers to an API call, repoInfo and listFiles return a
// result or fail with HUB_ERROR, never a TypeError.

let hub: TestHub;
const base = () => ({ endpoint: hub.url, token: false as const, maxRetries: 0, maxApiBodyBytes: 100_000 });

beforeAll(async () => {
  vi.stubEnv('HF_TOKEN', '');
  vi.stubEnv('HF_HUB_OFFLINE', '');
  hub = await startTestHub({ repos: [{ id: 'org/m', files: { 'a.json': '{}' } }] });
});
afterAll(async () => {
  await hub.close();
  vi.unstubAllEnvs();
});

const entry = fc.record(
  {
    type: fc.oneof(fc.constantFrom('file', 'directory'), fc.string({ maxLength: 6 })),
    path: fc.oneof(fc.constantFrom('a.json', '../x', '/etc/passwd', 'a\\b', '', 'a//b', 'ü/模型'), fc.string({ maxLength: 20 }), fc.integer()),
    size: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 4 })),
    oid: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 }), fc.json()),
    lfs: fc.oneof(fc.constant(null), fc.record({ oid: fc.json(), size: fc.json() })),
  },
  { requiredKeys: [] },
);
const answer = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 200 }),
  fc.array(fc.oneof(entry, fc.json()), { maxLength: 6 }).map((a) => JSON.stringify(a)),
  fc.record({ sha: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 }), fc.json()), siblings: fc.oneof(fc.array(fc.oneof(fc.record({ rfilename: fc.json() }), fc.json()), { maxLength: 4 }), fc.json()) }, { requiredKeys: [] }).map((r) => JSON.stringify(r)),
  fc.integer({ min: 100_001, max: 300_000 }).map((n) => `[${' '.repeat(n)}]`),
);

async function typedOnly(call: Promise<unknown>): Promise<void> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome === undefined) return;
  if (!isInferoxError(outcome)) throw outcome;
  expect(outcome.code).toBe('HUB_ERROR');
  expect(outcome.message.length).toBeLessThan(2000);
}

describe('hub answers (fuzz)', () => {
  it('repoInfo returns or fails with HUB_ERROR for any answer body', async () => {
    await fc.assert(
      fc.asyncProperty(answer, async (body) => {
        hub.clearFaults();
        hub.addFault({ match: { path: '/api/models/' }, action: { type: 'replace-body', body }, times: 1 });
        await typedOnly(repoInfo('org/m', base()));
      }),
      { numRuns: 150 },
    );
  });

  it('listFiles returns or fails with HUB_ERROR for any tree page', async () => {
    await fc.assert(
      fc.asyncProperty(answer, async (body) => {
        hub.clearFaults();
        hub.addFault({ match: { path: '/tree/' }, action: { type: 'replace-body', body }, times: 1 });
        await typedOnly(listFiles('org/m', base()));
      }),
      { numRuns: 150 },
    );
  });
});

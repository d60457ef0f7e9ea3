import { describe, expect, it } from 'vitest';
import { type AdderFault, adderExpected, adderFeeds, adderLimits, createAdderBackend } from './adder-backend.fixture';
import { conformanceChecks } from './conformance-checks';
import type { ConformanceContext, ConformanceOptions } from './conformance-options';

const options: ConformanceOptions = {
  name: 'adder',
  createBackend: () => createAdderBackend(),
  source: 'adder',
  feeds: adderFeeds,
  expected: adderExpected,
  limits: adderLimits,
};

async function contextWith(faults: readonly AdderFault[], overrides: Partial<ConformanceOptions> = {}): Promise<ConformanceContext> {
  const backend = createAdderBackend(faults);
  const handle = await backend.loadModel('adder');
  return { options: { ...options, ...overrides }, backend, handle };
}

type CheckName = keyof typeof conformanceChecks;

// Each contract clause, the fault that breaks it, and the check that must catch it.
const BREAKS: readonly [CheckName, AdderFault][] = [
  ['initialisesOnce', 'init-not-memoised'],
  ['describesModel', 'no-memory-estimate'],
  ['producesExpectedOutputs', 'wrong-values'],
  ['selectsOutputs', 'ignores-output-selection'],
  ['rejectsBadFeeds', 'skips-validation'],
  ['rejectsAbortedRun', 'ignores-run-signal'],
  ['rejectsAbortedLoad', 'ignores-load-signal'],
  ['checksLoadOptions', 'ignores-unknown-load-options'],
  ['disposesModel', 'runs-after-dispose'],
  ['deduplicatesOutputs', 'passes-duplicate-outputs'],
  ['rejectsValuesAboveRange', 'accepts-values-above-range'],
  ['rejectsValuesBelowRange', 'accepts-values-below-range'],
  ['rejectsOverlongDims', 'accepts-overlong-dims'],
  ['rejectsEmptyDims', 'accepts-empty-dims'],
  ['rejectsAbortedBadFeeds', 'validates-before-abort'],
  ['disposeWaitsForDisposal', 'dispose-returns-early'],
  ['initIgnoresAbortAfterInit', 'init-rejects-aborted-after-init'],
];

describe('conformanceChecks', () => {
  it('covers every check with a fault when the table is read', () => {
    expect(BREAKS.map(([name]) => name).sort()).toEqual(Object.keys(conformanceChecks).sort());
  });

  it.each(BREAKS)('passes %s when the backend is correct', async (name) => {
    await expect(conformanceChecks[name](await contextWith([]))).resolves.toBeUndefined();
  });

  it.each(BREAKS)('fails %s when the backend has the fault %s', async (name, fault) => {
    // An assertion of the check fails, not a crash of the fixture.
    await expect(conformanceChecks[name](await contextWith([fault]))).rejects.toMatchObject({ name: 'AssertionError' });
  });

  it('fails producesExpectedOutputs naming the output when values are off by more than the tolerance', async () => {
    await expect(conformanceChecks.producesExpectedOutputs(await contextWith(['wrong-values']))).rejects.toThrow(/max abs diff of sum/);
  });

  it('passes producesExpectedOutputs when the error is within a looser tolerance', async () => {
    const loose = { ...adderExpected, sum: { ...adderExpected.sum, tolerance: 0.5 } };
    await expect(conformanceChecks.producesExpectedOutputs(await contextWith(['wrong-values'], { expected: loose }))).resolves.toBeUndefined();
  });

  it('fails producesExpectedOutputs when the expected shape is wrong', async () => {
    const wrong = { sum: { shape: [4] } };
    await expect(conformanceChecks.producesExpectedOutputs(await contextWith([], { expected: wrong }))).rejects.toThrow();
  });

  it('fails describesModel when the feeds name inputs the model does not declare', async () => {
    const feeds = () => ({ ...adderFeeds(), c: adderFeeds().a! });
    await expect(conformanceChecks.describesModel(await contextWith([], { feeds }))).rejects.toThrow();
  });
});

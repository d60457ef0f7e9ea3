import { describe, expect, it } from 'vitest';
import { InferoxError } from '../inferox-error';
import type { ModelHandle, ModelSignature } from '../model-handle';
import { adderExpected, adderFeeds, adderLimits, createAdderBackend } from './adder-backend.fixture';
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

/** The adder's handle with its `run` or `signature` replaced. */
async function contextWith(change: Partial<Pick<ModelHandle, 'run' | 'signature'>>, overrides: Partial<ConformanceOptions> = {}): Promise<ConformanceContext> {
  const backend = createAdderBackend();
  const real = await backend.loadModel('adder');
  const handle: ModelHandle = {
    name: real.name,
    backend: real.backend,
    device: real.device,
    metadata: real.metadata,
    memoryBytes: real.memoryBytes,
    get disposed() {
      return real.disposed;
    },
    signature: change.signature ?? real.signature,
    run: change.run ?? ((feeds, runOptions) => real.run(feeds, runOptions)),
    dispose: () => real.dispose(),
    [Symbol.asyncDispose]: () => real.dispose(),
  };
  return { options: { ...options, ...overrides }, backend, handle };
}

describe('conformanceChecks on unusual handles', () => {
  it('fails a limit check naming the rejection when a run fails with a plain Error instead of INVALID_INPUT', async () => {
    const context = await contextWith({ run: async (feeds) => ((feeds.a!.data as Float32Array)[0]! >= 100 ? Promise.reject(new Error('native crash')) : {}) });
    await expect(conformanceChecks.rejectsValuesAboveRange(context)).rejects.toThrow(/native crash/);
  });

  it('fails a limit check when INVALID_INPUT does not name the input', async () => {
    const context = await contextWith({ run: async (feeds) => ((feeds.a!.data as Float32Array)[0]! < -100 ? Promise.reject(new InferoxError('INVALID_INPUT', 'bad')) : {}) });
    await expect(conformanceChecks.rejectsValuesBelowRange(context)).rejects.toThrow(/names the input/);
  });

  it('takes the smallest maximum when two inputs declare one for the same dim, and skips empty dims a signature allows', async () => {
    const real = await createAdderBackend().loadModel('adder');
    const both: ModelSignature = {
      inputs: real.signature.inputs.map((spec) => ({ ...spec, dimLimits: [{ min: 0, max: spec.name === 'a' ? 4 : 6 }, { min: 0 }] })),
      outputs: real.signature.outputs,
    };
    await expect(conformanceChecks.rejectsOverlongDims(await contextWith({ signature: both }))).resolves.toBeUndefined();
    // Every dim may be empty here, so nothing is refused and the check has nothing to fail on.
    const runs: number[] = [];
    await expect(
      conformanceChecks.rejectsEmptyDims(await contextWith({ signature: both, run: async () => (runs.push(1), {}) })),
    ).resolves.toBeUndefined();
    expect(runs).toEqual([]);
  });

  it('checks only the shape of a duplicated output when no values are expected', async () => {
    const expected = { sum: { shape: [2, 2] } };
    await expect(conformanceChecks.deduplicatesOutputs(await contextWith({}, { expected }))).resolves.toBeUndefined();
  });

  it('swaps a float64 feed for a float32 one when checking dtypes', async () => {
    const feeds = () => ({ ...adderFeeds(), a: adderFeeds().a!.cast('float64') });
    const signature: ModelSignature = { inputs: [{ name: 'a', dtype: 'float64', shape: ['batch', 2] }, { name: 'b', dtype: 'float32', shape: ['batch', 2] }], outputs: [] };
    const { ManagedModelHandle } = await import('../managed-model-handle');
    const handle = new ManagedModelHandle({ name: 'f64', backend: 'adder', device: { kind: 'cpu' }, signature, memoryBytes: 1, runner: { run: async () => ({}), release() {} } });
    await expect(conformanceChecks.rejectsBadFeeds({ options: { ...options, feeds }, backend: createAdderBackend(), handle })).resolves.toBeUndefined();
  });
});

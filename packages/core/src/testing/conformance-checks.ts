import { expect } from 'vitest';
import type { LoadModelOptions } from '../backend';
import { LOAD_MODEL_OPTION_NAMES } from '../check-load-model-options';
import { Tensor } from '../tensor';
import type { ConformanceContext } from './conformance-options';
import { expectInferoxError } from './expect-inferox-error';
import { limitChecks } from './limit-checks';
import { maxAbsDiff } from './max-abs-diff';

/** A zero tensor of the same shape and another dtype (float64, or float32 for a float64 tensor). */
const otherDtype = (tensor: Tensor): Tensor => Tensor.zeros(tensor.dtype === 'float64' ? 'float32' : 'float64', tensor.shape);

/** One check of the conformance suite; rejects with an assertion error when the backend breaks the contract. */
export type ConformanceCheck = (context: ConformanceContext) => Promise<void>;

/**
 * The checks {@link describeBackendConformance} runs, one per contract clause. Exported so a backend's own tests can
 * run one in isolation, and so the suite itself can be shown to fail on a broken backend.
 */
export const conformanceChecks = {
  /** `isAvailable()` is true, `init()` is memoised (same promise) and reports the backend; `devices()` is non-empty. */
  async initialisesOnce({ backend }: ConformanceContext): Promise<void> {
    expect(await backend.isAvailable()).toBe(true);
    const first = backend.init();
    expect(backend.init(), 'init() must return the same promise every time').toBe(first);
    const info = await first;
    expect(info.name).toBe(backend.name);
    expect(typeof info.runtime).toBe('string');
    expect((await backend.devices()).length).toBeGreaterThan(0);
  },

  /** The handle names its backend, is not disposed, declares the feeds' inputs and the expected outputs. */
  async describesModel({ backend, handle, options }: ConformanceContext): Promise<void> {
    expect(handle.backend).toBe(backend.name);
    expect(handle.disposed).toBe(false);
    expect(typeof handle.name).toBe('string');
    expect(handle.signature.inputs.length).toBeGreaterThan(0);
    expect(handle.signature.outputs.length).toBeGreaterThan(0);
    expect(handle.memoryBytes).toBeGreaterThan(0);
    const feeds = options.feeds();
    expect(handle.signature.inputs.map((s) => s.name).sort()).toEqual(Object.keys(feeds).sort());
    for (const name of Object.keys(options.expected)) expect(handle.signature.outputs.map((s) => s.name)).toContain(name);
  },

  /** `run` returns every declared output as a Tensor of the expected shape and values, and leaves the feeds alone. */
  async producesExpectedOutputs({ handle, options }: ConformanceContext): Promise<void> {
    const feeds = options.feeds();
    const outputs = await handle.run(feeds);
    expect(Object.keys(outputs).sort()).toEqual(handle.signature.outputs.map((s) => s.name).sort());
    for (const [name, want] of Object.entries(options.expected)) {
      const got = outputs[name]!;
      expect(got).toBeInstanceOf(Tensor);
      expect(got.shape).toEqual(want.shape);
      if (want.values) {
        const diff = maxAbsDiff(Array.from(got.toArray(), Number), want.values);
        expect(diff, `max abs diff of ${name}`).toBeLessThanOrEqual(want.tolerance ?? 1e-4);
      }
    }
    for (const t of Object.values(feeds)) expect(t.disposed).toBe(false);
  },

  /** `run` with `outputs` returns exactly those; an unknown output name is `INVALID_INPUT` naming it. */
  async selectsOutputs({ handle, options }: ConformanceContext): Promise<void> {
    const name = Object.keys(options.expected)[0]!;
    const outputs = await handle.run(options.feeds(), { outputs: [name] });
    expect(Object.keys(outputs)).toEqual([name]);
    await expectInferoxError(handle.run(options.feeds(), { outputs: ['no_such_output'] }), 'INVALID_INPUT', 'no_such_output');
  },

  /** A missing, extra, wrong-dtype or wrong-rank feed is `INVALID_INPUT` naming the input. */
  async rejectsBadFeeds({ handle, options }: ConformanceContext): Promise<void> {
    const [first, ...rest] = Object.entries(options.feeds());
    const [missing, tensor] = first!;
    await expectInferoxError(handle.run(Object.fromEntries(rest)), 'INVALID_INPUT', missing);
    await expectInferoxError(handle.run({ ...options.feeds(), bogus_input: tensor }), 'INVALID_INPUT', 'bogus_input');
    await expectInferoxError(handle.run({ ...options.feeds(), [missing]: otherDtype(tensor) }), 'INVALID_INPUT', missing, tensor.dtype);
    const spec = handle.signature.inputs.find((s) => s.name === missing);
    if (spec?.shape) {
      const deeper = Tensor.zeros(tensor.dtype, [1, ...tensor.shape]);
      await expectInferoxError(handle.run({ ...options.feeds(), [missing]: deeper }), 'INVALID_INPUT', missing);
    }
  },

  /** `outputs` naming one output twice returns it once, with the expected values (the runtime computes it once). */
  async deduplicatesOutputs({ handle, options }: ConformanceContext): Promise<void> {
    const [name, want] = Object.entries(options.expected)[0]!;
    const outcome = await handle.run(options.feeds(), { outputs: [name, name] }).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    expect('error' in outcome ? String(outcome.error) : 'resolved', `run with outputs [${name}, ${name}]`).toBe('resolved');
    const outputs = (outcome as { value: Record<string, Tensor> }).value;
    expect(Object.keys(outputs)).toEqual([name]);
    expect(outputs[name]!.shape).toEqual(want.shape);
    if (want.values) expect(maxAbsDiff(Array.from(outputs[name]!.toArray(), Number), want.values), `max abs diff of ${name}`).toBeLessThanOrEqual(want.tolerance ?? 1e-4);
  },

  ...limitChecks,

  /** Bad feeds with an already aborted signal are `CANCELLED`, not `INVALID_INPUT`: the caller gave up first. */
  async rejectsAbortedBadFeeds({ handle, options }: ConformanceContext): Promise<void> {
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    const [first, ...rest] = Object.entries(options.feeds());
    await expectInferoxError(handle.run(Object.fromEntries(rest), { signal: controller.signal }), 'CANCELLED');
    await expectInferoxError(handle.run({ ...options.feeds(), [first![0]]: otherDtype(first![1]) }, { signal: controller.signal }), 'CANCELLED');
  },

  /** `run` with an already aborted signal is `CANCELLED` with the signal's reason as cause. */
  async rejectsAbortedRun({ handle, options }: ConformanceContext): Promise<void> {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    controller.abort(reason);
    const error = await expectInferoxError(handle.run(options.feeds(), { signal: controller.signal }), 'CANCELLED');
    expect(error.cause).toBe(reason);
  },

  /** `loadModel` with an already aborted signal is `CANCELLED`. */
  async rejectsAbortedLoad({ backend, options }: ConformanceContext): Promise<void> {
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    await expectInferoxError(backend.loadModel(options.source, options.loadOptions, { signal: controller.signal }), 'CANCELLED');
  },

  /**
   * `loadModel` honours the common `name` option, and refuses an option it does not know (a typo of `name`) with
   * `INVALID_INPUT` naming it and listing the known ones, before loading anything: a mistyped option is never ignored.
   * It takes `cpuThreads` from 1 up and refuses 0 naming it.
   */
  async checksLoadOptions({ backend, options }: ConformanceContext): Promise<void> {
    const named = await backend.loadModel(options.source, { ...options.loadOptions, name: 'conformance-named' });
    try {
      expect(named.name, 'loadModel must use options.name as the handle name').toBe('conformance-named');
    } finally {
      await named.dispose();
    }
    const typo = { ...options.loadOptions, nmae: 'conformance-typo' } as LoadModelOptions;
    const error = await expectInferoxError(backend.loadModel(options.source, typo), 'INVALID_INPUT', 'nmae');
    expect(error.details?.known, 'the error lists the known options').toEqual(expect.arrayContaining([...LOAD_MODEL_OPTION_NAMES]));
    expect(error.message, 'the message lists the known options').toContain('known: name, device, cpuThreads');
    // The engine gives every worker instance `cpuThreads`: a backend that refused it could not run in a worker.
    const bounded = await backend.loadModel(options.source, { ...options.loadOptions, cpuThreads: 1 });
    await bounded.dispose();
    await expectInferoxError(backend.loadModel(options.source, { ...options.loadOptions, cpuThreads: 0 }), 'INVALID_INPUT', 'options.cpuThreads');
  },

  /** `dispose()` is idempotent and marks the handle; `run` afterwards is `DISPOSED`. */
  async disposesModel({ backend, options }: ConformanceContext): Promise<void> {
    const own = await backend.loadModel(options.source, options.loadOptions);
    expect(typeof own[Symbol.asyncDispose]).toBe('function');
    await own.dispose();
    await own.dispose();
    expect(own.disposed).toBe(true);
    await expectInferoxError(own.run(options.feeds()), 'DISPOSED');
  },

  /** A second `dispose()` made while the first is under way resolves only once the first has (it waits, not returns early). */
  async disposeWaitsForDisposal({ backend, options }: ConformanceContext): Promise<void> {
    const own = await backend.loadModel(options.source, options.loadOptions);
    let firstDone = false;
    const first = own.dispose().then(() => {
      firstDone = true;
    });
    await own.dispose();
    expect(firstDone, 'the second dispose() resolved before the first one had finished').toBe(true);
    await first;
  },

  /** `init()` with an aborted signal after a successful init resolves with the memoised result (the same promise). */
  async initIgnoresAbortAfterInit({ backend }: ConformanceContext): Promise<void> {
    const first = backend.init();
    const info = await first;
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    const again = backend.init({ signal: controller.signal });
    again.catch(() => undefined);
    expect(again, 'init() after a successful init must return the memoised promise').toBe(first);
    await expect(again).resolves.toBe(info);
  },
} as const satisfies Record<string, ConformanceCheck>;

/**
 * @packageDocumentation
 * The backend conformance suite: every backend package runs it against itself, so every backend honours the same
 * contract (load, signature, run, bad feeds, cancellation, dispose, use after dispose). Needs vitest.
 *
 * @example
 * ```ts
 * describeBackendConformance({
 *   name: 'onnx (cpu)',
 *   createBackend: () => createOnnxBackend(),
 *   source: 'fixtures/tiny-bert-hf/model.onnx',
 *   feeds: () => ({ input_ids: ..., attention_mask: ..., token_type_ids: ... }),
 *   expected: { last_hidden_state: { shape: [3, 12, 64], values: reference.flat(2) } },
 * });
 * ```
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, LoadModelOptions, ModelSource } from '../backend';
import { isInferoxError } from '../inferox-error';
import type { ModelHandle } from '../model-handle';
import { Tensor, type TensorMap } from '../tensor';

/** An expected output: its shape and, optionally, its values (compared within `tolerance`). */
export interface ExpectedOutput {
  readonly shape: readonly number[];
  readonly values?: ArrayLike<number>;
  /** Max absolute difference allowed. @defaultValue 1e-4 */
  readonly tolerance?: number;
}

/** What the suite needs to exercise a backend. */
export interface ConformanceOptions {
  /** Shown in the describe block, e.g. `onnx (cpu)`. */
  readonly name: string;
  /** A fresh backend; the suite disposes it at the end. */
  createBackend(): Backend | Promise<Backend>;
  /** A small model the backend loads. */
  readonly source: ModelSource;
  readonly loadOptions?: LoadModelOptions;
  /** Valid feeds for the model (a new map each call; the suite may dispose them). */
  feeds(): TensorMap;
  /** Outputs to check by name (at least one). */
  readonly expected: Readonly<Record<string, ExpectedOutput>>;
}

/** The largest absolute difference between two equally long numeric arrays (Infinity if lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return max;
}

async function expectCode(promise: Promise<unknown>, code: string, ...facts: string[]): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isInferoxError(error), `expected an InferoxError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  for (const fact of facts) expect((error as Error).message).toContain(fact);
}

/**
 * Registers a vitest `describe` block that checks `options.createBackend()` against the core contract.
 */
export function describeBackendConformance(options: ConformanceOptions): void {
  describe(`Backend conformance: ${options.name}`, () => {
    let backend: Backend;
    let handle: ModelHandle;

    beforeAll(async () => {
      backend = await options.createBackend();
      handle = await backend.loadModel(options.source, options.loadOptions);
    });
    afterAll(async () => {
      await handle?.dispose();
      await backend?.dispose();
    });

    it('initialises once and reports itself when init is called twice', async () => {
      expect(await backend.isAvailable()).toBe(true);
      const first = backend.init();
      expect(backend.init()).toBe(first);
      const info = await first;
      expect(info.name).toBe(backend.name);
      expect(typeof info.runtime).toBe('string');
      expect((await backend.devices()).length).toBeGreaterThan(0);
    });

    it('describes the loaded model when a source loads', () => {
      expect(handle.backend).toBe(backend.name);
      expect(handle.disposed).toBe(false);
      expect(handle.signature.inputs.length).toBeGreaterThan(0);
      expect(handle.signature.outputs.length).toBeGreaterThan(0);
      expect(handle.memoryBytes).toBeGreaterThan(0);
      const feeds = options.feeds();
      expect(handle.signature.inputs.map((s) => s.name).sort()).toEqual(Object.keys(feeds).sort());
      for (const name of Object.keys(options.expected)) expect(handle.signature.outputs.map((s) => s.name)).toContain(name);
    });

    it('produces the expected outputs when run with valid feeds', async () => {
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
    });

    it('returns only the selected outputs when outputs are named', async () => {
      const name = Object.keys(options.expected)[0]!;
      const outputs = await handle.run(options.feeds(), { outputs: [name] });
      expect(Object.keys(outputs)).toEqual([name]);
      await expectCode(handle.run(options.feeds(), { outputs: ['no_such_output'] }), 'INVALID_INPUT', 'no_such_output');
    });

    it('rejects with INVALID_INPUT naming the input when a feed is missing, extra or of the wrong dtype', async () => {
      const [first, ...rest] = Object.entries(options.feeds());
      const [missing, tensor] = first!;
      await expectCode(handle.run(Object.fromEntries(rest)), 'INVALID_INPUT', missing);
      await expectCode(handle.run({ ...options.feeds(), bogus_input: tensor }), 'INVALID_INPUT', 'bogus_input');
      const wrong = tensor.dtype === 'float64' ? Tensor.zeros('float32', tensor.shape) : Tensor.zeros('float64', tensor.shape);
      await expectCode(handle.run({ ...options.feeds(), [missing]: wrong }), 'INVALID_INPUT', missing, tensor.dtype);
    });

    it('rejects with CANCELLED when the signal is aborted before the run starts', async () => {
      const controller = new AbortController();
      controller.abort(new Error('caller gave up'));
      await expectCode(handle.run(options.feeds(), { signal: controller.signal }), 'CANCELLED');
    });

    it('throws DISPOSED on run after dispose, and dispose is idempotent', async () => {
      const own = await backend.loadModel(options.source, options.loadOptions);
      await own.dispose();
      await own.dispose();
      expect(own.disposed).toBe(true);
      await expectCode(own.run(options.feeds()), 'DISPOSED');
    });
  });
}

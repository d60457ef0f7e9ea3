import { describe, expect, it } from 'vitest';
import type { Logger } from './logger';
import { ManagedModelHandle, RUN_CHECKED } from './managed-model-handle';
import type { ModelSignature } from './model-handle';
import type { ModelRunner, RunContext } from './model-runner';
import { Tensor, type TensorMap } from './tensor';
import { expectInferoxError } from './testing/expect-inferox-error';

const signature: ModelSignature = {
  inputs: [{ name: 'x', dtype: 'float32', shape: [1] }],
  outputs: [
    { name: 'a', dtype: 'float32', shape: [] },
    { name: 'b', dtype: 'float32', shape: [] },
  ],
};

const feeds = (): TensorMap => ({ x: Tensor.zeros('float32', [1]) });

/** A runner that calls `throwIfStopped` first and records the outputs and the signal it saw. */
function checkingRunner(): { runner: ModelRunner; seen: { outputs: readonly string[]; signal: AbortSignal | undefined }[] } {
  const seen: { outputs: readonly string[]; signal: AbortSignal | undefined }[] = [];
  return {
    seen,
    runner: {
      async run(_feeds, outputs, context: RunContext) {
        context.throwIfStopped();
        seen.push({ outputs, signal: context.signal });
        return Object.fromEntries(outputs.map((name) => [name, Tensor.from('float32', [1], [])]));
      },
      release() {},
    },
  };
}

const handleOf = (runner: ModelRunner, extra: { logger?: Logger; metadata?: Record<string, string> } = {}) =>
  new ManagedModelHandle({ name: 'toy', backend: 'test', device: { kind: 'cpu' }, signature, memoryBytes: 8, runner, ...extra });

const warningsLogger = (): { logger: Logger; warnings: unknown[] } => {
  const warnings: unknown[] = [];
  return { warnings, logger: { debug() {}, info() {}, error() {}, warn: (message, fields) => warnings.push({ message, fields }) } };
};

describe('ManagedModelHandle messages and details', () => {
  it('keeps a frozen copy of the metadata it was given', () => {
    const metadata = { producer: 'test' };
    const handle = handleOf(checkingRunner().runner, { metadata });
    metadata.producer = 'changed';
    expect(handle.metadata).toEqual({ producer: 'test' });
    expect(Object.isFrozen(handle.metadata)).toBe(true);
  });

  it('lets a runner call throwIfStopped and read the signal when the run has none, and hands it the caller signal', async () => {
    const { runner, seen } = checkingRunner();
    const handle = handleOf(runner);
    await handle.run(feeds());
    const signal = new AbortController().signal;
    await handle.run(feeds(), { signal, outputs: ['b'] });
    await handle[RUN_CHECKED](feeds(), undefined, true);
    expect(seen).toEqual([
      { outputs: ['a', 'b'], signal: undefined },
      { outputs: ['b'], signal },
      { outputs: ['a', 'b'], signal: undefined },
    ]);
  });

  it('names backend and model when a runner sees the caller signal fire, with its reason as cause', async () => {
    const controller = new AbortController();
    const handle = handleOf({
      async run(_feeds, _outputs, context) {
        controller.abort('client left');
        context.throwIfStopped();
        return {};
      },
      release() {},
    });
    const error = await expectInferoxError(handle.run(feeds(), { signal: controller.signal }), 'CANCELLED');
    expect(error.message).toBe('test run of toy was cancelled by its signal');
    expect(error.cause).toBe('client left');
  });

  it('gives the model in the details of DISPOSED, from run and from the internal entry', async () => {
    const handle = handleOf(checkingRunner().runner);
    await handle.dispose();
    const error = await expectInferoxError(handle.run(feeds()), 'DISPOSED');
    expect(error.message).toBe('model "toy" (test) was disposed');
    expect(error.details).toEqual({ model: 'toy' });
    expect((await expectInferoxError(handle[RUN_CHECKED](feeds(), undefined, true), 'DISPOSED')).details).toEqual({ model: 'toy' });
  });

  it('names the option of an empty output list and the declared outputs of an unknown one', async () => {
    const handle = handleOf(checkingRunner().runner);
    const empty = await expectInferoxError(handle.run(feeds(), { outputs: [] }), 'INVALID_INPUT');
    expect(empty.message).toBe('options.outputs is empty; name at least one of "a", "b" or leave it out for all');
    expect(empty.details).toEqual({ option: 'outputs' });
    const unknown = await expectInferoxError(handle.run(feeds(), { outputs: ['a', 'c'] }), 'INVALID_INPUT');
    expect(unknown.message).toBe('unknown output "c" of model "toy"; it has "a", "b"');
    expect(unknown.details).toEqual({ output: 'c', expected: ['a', 'b'] });
    const long = 'o'.repeat(100);
    expect((await expectInferoxError(handle.run(feeds(), { outputs: [long] }), 'INVALID_INPUT')).details).toEqual({
      output: `${'o'.repeat(80)}… (100 chars)`,
      expected: ['a', 'b'],
    });
  });

  it('disposes through Symbol.asyncDispose as dispose() does, with the same promise', async () => {
    let releases = 0;
    const handle = handleOf({ run: async () => ({}), release: () => void (releases += 1) });
    const disposing = handle[Symbol.asyncDispose]();
    expect(handle.disposed).toBe(true);
    expect(handle.dispose()).toBe(disposing);
    await disposing;
    expect(releases).toBe(1);
  });

  it('logs a release that throws null or undefined and still resolves dispose', async () => {
    for (const thrownValue of [null, undefined]) {
      const { logger, warnings } = warningsLogger();
      const runner: ModelRunner = {
        run: async () => ({}),
        release: () => {
          throw thrownValue;
        },
      };
      await handleOf(runner, { logger }).dispose();
      expect(warnings).toEqual([{ message: 'model release failed', fields: { model: 'toy', backend: 'test', error: String(thrownValue) } }]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { ManagedModelHandle, RUN_CHECKED } from './managed-model-handle';
import type { ModelSignature } from './model-handle';
import type { ModelRunner, RunContext } from './model-runner';
import { Tensor, type TensorMap } from './tensor';
import { thrown } from './internal/thrown.fixture';
import { expectInferoxError } from './testing/expect-inferox-error';

const signature: ModelSignature = {
  inputs: [{ name: 'ids', dtype: 'int64', shape: ['batch', 'sequence'], valueRange: { min: 0, maxExclusive: 10 } }],
  outputs: [
    { name: 'a', dtype: 'float32', shape: [] },
    { name: 'b', dtype: 'float32', shape: [] },
  ],
};

/** A runner recording the outputs and contexts it was given; `stopCheck` makes it call throwIfStopped first. */
function runnerOf(stopCheck = false): { runner: ModelRunner; calls: { feeds: TensorMap; outputs: readonly string[]; context: RunContext }[] } {
  const calls: { feeds: TensorMap; outputs: readonly string[]; context: RunContext }[] = [];
  return {
    calls,
    runner: {
      async run(feeds, outputs, context) {
        calls.push({ feeds, outputs, context });
        if (stopCheck) context.throwIfStopped();
        return Object.fromEntries(outputs.map((name) => [name, Tensor.from('float32', [1], [])]));
      },
      release() {},
    },
  };
}

/** A stop source that counts how often its signal was read. */
function stopOf(controller = new AbortController()): { stop: { readonly signal: AbortSignal }; reads: () => number; controller: AbortController } {
  let reads = 0;
  return {
    controller,
    reads: () => reads,
    stop: {
      get signal() {
        reads += 1;
        return controller.signal;
      },
    },
  };
}

const handleOf = (runner: ModelRunner) => new ManagedModelHandle({ name: 'toy', backend: 'test', device: { kind: 'cpu' }, signature, memoryBytes: 8, runner });
const good = (): TensorMap => ({ ids: Tensor.from('int64', [1, 2], [1, 2]) });
const outOfRange = (): TensorMap => ({ ids: Tensor.from('int64', [1, 99], [1, 2]) });

describe('ManagedModelHandle internal run entry (RUN_CHECKED)', () => {
  it('is the registered symbol the engine reaches it by, not a public export', async () => {
    expect(RUN_CHECKED).toBe(Symbol.for('@inferox/core:ManagedModelHandle.runChecked'));
    expect(Object.keys(await import('./index'))).not.toContain('RUN_CHECKED');
  });

  it('runs every output and never reads the stop signal when the runner does not ask for it', async () => {
    const { runner, calls } = runnerOf();
    const { stop, reads } = stopOf();
    const outputs = await handleOf(runner)[RUN_CHECKED](good(), stop, false);
    expect(Object.keys(outputs)).toEqual(['a', 'b']);
    expect(calls[0]!.outputs).toEqual(['a', 'b']);
    expect(reads()).toBe(0);
  });

  it('gives the runner the stop signal when it reads it, and throwIfStopped answers CANCELLED once it fired', async () => {
    const { runner, calls } = runnerOf();
    const { stop, reads, controller } = stopOf();
    await handleOf(runner)[RUN_CHECKED](good(), stop, false);
    const { context } = calls[0]!;
    expect(context.signal).toBe(controller.signal);
    expect(reads()).toBe(1);
    expect(() => context.throwIfStopped()).not.toThrow();
    controller.abort(new Error('gone'));
    const error = thrown(() => context.throwIfStopped());
    expect([error.code, error.message]).toEqual(['CANCELLED', 'test run of toy was cancelled by its signal']);
  });

  it('answers CANCELLED from throwIfStopped in the runner when the stop source has fired', async () => {
    const { runner } = runnerOf(true);
    const { stop, controller } = stopOf();
    controller.abort();
    await expectInferoxError(handleOf(runner)[RUN_CHECKED](good(), stop, false), 'CANCELLED');
  });

  it('validates the feeds unless the caller vouches it did, and answers DISPOSED after dispose either way', async () => {
    const { runner, calls } = runnerOf();
    const handle = handleOf(runner);
    await expectInferoxError(handle[RUN_CHECKED](outOfRange(), undefined, false), 'INVALID_INPUT', 'element 1 is 99, outside [0, 10)');
    expect(calls).toHaveLength(0);
    // With `validated` the check is skipped: the runner gets the feeds as they are.
    const feeds = outOfRange();
    await handle[RUN_CHECKED](feeds, undefined, true);
    expect(calls[0]!.feeds).toBe(feeds);
    expect(calls[0]!.context.signal).toBeUndefined();
    await handle.dispose();
    await expectInferoxError(handle[RUN_CHECKED](good(), undefined, true), 'DISPOSED', '"toy" (test) was disposed');
    expect(thrown(() => calls[0]!.context.throwIfStopped()).code).toBe('DISPOSED');
  });
});

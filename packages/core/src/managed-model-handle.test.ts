import { describe, expect, it } from 'vitest';
import { InferoxError } from './inferox-error';
import type { Logger } from './logger';
import { ManagedModelHandle } from './managed-model-handle';
import type { ModelSignature } from './model-handle';
import type { ModelRunner, RunContext } from './model-runner';
import { Tensor, type TensorMap } from './tensor';
import { expectInferoxError } from './testing/expect-inferox-error';

const signature: ModelSignature = {
  inputs: [{ name: 'ids', dtype: 'int64', shape: ['batch', 'sequence'], valueRange: { min: 0, maxExclusive: 10, source: 'vocab_size' } }],
  outputs: [
    { name: 'doubled', dtype: 'float32', shape: ['batch', 'sequence'] },
    { name: 'count', dtype: 'float32', shape: [] },
  ],
};

const feeds = (): TensorMap => ({ ids: Tensor.from('int64', [1, 2, 3], [1, 3]) });

/** A runner that records what it was asked, can be held mid-run, and counts releases. */
function recordingRunner(options: { failRelease?: boolean; checkAfterWait?: boolean } = {}) {
  const calls: { outputs: readonly string[]; context: RunContext }[] = [];
  let hold: Promise<void> | undefined;
  let releases = 0;
  const runner: ModelRunner = {
    async run(input, outputs, context) {
      calls.push({ outputs, context });
      if (hold) await hold;
      if (options.checkAfterWait) context.throwIfStopped();
      const ids = Array.from(input.ids!.data as BigInt64Array, Number);
      const out: Record<string, Tensor> = {};
      for (const name of outputs) {
        out[name] = name === 'doubled' ? Tensor.from('float32', ids.map((v) => v * 2), input.ids!.shape) : Tensor.from('float32', [ids.length], []);
      }
      return out;
    },
    async release() {
      await new Promise((resolve) => setImmediate(resolve));
      releases += 1;
      if (options.failRelease) throw new Error('native release failed');
    },
  };
  return {
    runner,
    calls,
    releases: () => releases,
    holdRuns(): () => void {
      let open!: () => void;
      hold = new Promise((resolve) => (open = resolve));
      return () => {
        hold = undefined;
        open();
      };
    },
  };
}

const handleOf = (runner: ModelRunner, extra: { logger?: Logger; onDispose?: (h: ManagedModelHandle) => void; runsInFlight?: number; batchable?: boolean; signature?: ModelSignature } = {}) =>
  new ManagedModelHandle({ name: 'toy', backend: 'test', device: { kind: 'cpu' }, signature, memoryBytes: 8, runner, ...extra });

describe('ManagedModelHandle', () => {
  it('describes the model and runs every declared output when no outputs are named', async () => {
    const { runner, calls } = recordingRunner();
    const handle = handleOf(runner);
    expect([handle.name, handle.backend, handle.memoryBytes, handle.disposed, handle.metadata]).toEqual(['toy', 'test', 8, false, {}]);
    const out = await handle.run(feeds());
    expect(Array.from(out.doubled!.data as Float32Array)).toEqual([2, 4, 6]);
    expect(calls[0]!.outputs).toEqual(['doubled', 'count']);
  });

  it('says how many runs it takes at once: 1 unless its backend says more, and refuses a count that is not 1 to 64', () => {
    const { runner } = recordingRunner();
    expect([handleOf(runner).runsInFlight, handleOf(runner, { runsInFlight: 2 }).runsInFlight, handleOf(runner, { runsInFlight: 64 }).runsInFlight]).toEqual([1, 2, 64]);
    for (const bad of [0, 1.5, 65, Number.NaN, '2' as unknown as number]) {
      expect(() => handleOf(runner, { runsInFlight: bad })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining(`model "toy" (test) must be an integer from 1 to 64, got ${typeof bad === 'string' ? '"2"' : String(bad)}`) }));
    }
  });

  it('says whether it batches: false unless its backend says so, and refuses true for a signature without a batch dim', () => {
    const { runner } = recordingRunner();
    const batched: ModelSignature = { inputs: signature.inputs, outputs: [signature.outputs[0]!] };
    expect([handleOf(runner).batchable, handleOf(runner, { signature: batched, batchable: true }).batchable]).toEqual([false, true]);
    // `count` is a scalar: no batch dim to stack requests on.
    expect(() => handleOf(runner, { batchable: true })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('batchable of model "toy" (test) is true') }));
  });

  it('computes and returns an output once when its name is requested twice', async () => {
    const { runner, calls } = recordingRunner();
    const out = await handleOf(runner).run(feeds(), { outputs: ['count', 'doubled', 'count'] });
    expect(Object.keys(out)).toEqual(['count', 'doubled']);
    expect(calls[0]!.outputs).toEqual(['count', 'doubled']);
  });

  it('refuses an unknown output, an empty list and malformed options with INVALID_INPUT before running', async () => {
    const { runner, calls } = recordingRunner();
    const handle = handleOf(runner);
    await expectInferoxError(handle.run(feeds(), { outputs: ['nope'] }), 'INVALID_INPUT', 'unknown output "nope"', '"doubled", "count"');
    await expectInferoxError(handle.run(feeds(), { outputs: [] }), 'INVALID_INPUT', 'options.outputs is empty');
    await expectInferoxError(handle.run(feeds(), { outputs: 'doubled' as never }), 'INVALID_INPUT', 'options.outputs must be an array');
    await expectInferoxError(handle.run(feeds(), { outputs: [1] as never }), 'INVALID_INPUT', 'options.outputs[0]');
    await expectInferoxError(handle.run(feeds(), { signal: {} as AbortSignal }), 'INVALID_INPUT', 'options.signal must be an AbortSignal');
    await expectInferoxError(handle.run(feeds(), null as never), 'INVALID_INPUT', 'run options must be an object, got null');
    await expectInferoxError(handle.run(feeds(), [] as never), 'INVALID_INPUT', 'run options must be an object');
    expect(calls).toHaveLength(0);
  });

  it('refuses a token id outside the declared range with INVALID_INPUT before running', async () => {
    const { runner, calls } = recordingRunner();
    await expectInferoxError(handleOf(runner).run({ ids: Tensor.from('int64', [1, 10], [1, 2]) }), 'INVALID_INPUT', '"ids" element 1 is 10', 'vocab_size');
    expect(calls).toHaveLength(0);
  });

  it('answers CANCELLED, not INVALID_INPUT, when the signal is already aborted and the feeds are bad too', async () => {
    const { runner, calls } = recordingRunner();
    const controller = new AbortController();
    const reason = new Error('gave up');
    controller.abort(reason);
    const error = await expectInferoxError(handleOf(runner).run({}, { signal: controller.signal }), 'CANCELLED', 'test run of toy');
    expect(error.cause).toBe(reason);
    expect(calls).toHaveLength(0);
  });

  it('lets a runner that waited see CANCELLED or DISPOSED through throwIfStopped', async () => {
    const recorder = recordingRunner({ checkAfterWait: true });
    const handle = handleOf(recorder.runner);
    let open = recorder.holdRuns();
    const controller = new AbortController();
    const cancelled = handle.run(feeds(), { signal: controller.signal });
    controller.abort(new Error('later'));
    open();
    await expectInferoxError(cancelled, 'CANCELLED');
    open = recorder.holdRuns();
    const disposedRun = handle.run(feeds());
    const disposing = handle.dispose();
    open();
    await expectInferoxError(disposedRun, 'DISPOSED', '"toy" (test) was disposed');
    await disposing;
  });

  it('waits for runs in flight before releasing, once, and answers DISPOSED afterwards', async () => {
    const recorder = recordingRunner();
    const forgotten: ManagedModelHandle[] = [];
    const handle = handleOf(recorder.runner, { onDispose: (h) => forgotten.push(h) });
    const open = recorder.holdRuns();
    const order: string[] = [];
    const running = handle.run(feeds(), { outputs: ['count'] }).then(() => order.push('run'));
    await Promise.resolve();
    const first = handle.dispose().then(() => order.push('first dispose'));
    const second = handle.dispose().then(() => order.push('second dispose'));
    expect(handle.disposed).toBe(true);
    expect(forgotten).toEqual([handle]);
    open();
    await Promise.all([running, first, second]);
    expect(order).toEqual(['run', 'first dispose', 'second dispose']);
    expect(recorder.releases()).toBe(1);
    await handle[Symbol.asyncDispose]();
    expect(recorder.releases()).toBe(1);
    await expectInferoxError(handle.run(feeds()), 'DISPOSED');
  });

  it('waits for the first dispose when a second starts at once, so both resolve after the release', async () => {
    const recorder = recordingRunner();
    const handle = handleOf(recorder.runner);
    const first = handle.dispose();
    const second = handle.dispose();
    expect(second).toBe(first);
    await second;
    expect(recorder.releases()).toBe(1);
  });

  it('logs a failed release and still resolves dispose', async () => {
    const warnings: unknown[] = [];
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (message, fields) => warnings.push({ message, fields }) };
    const recorder = recordingRunner({ failRelease: true });
    await handleOf(recorder.runner, { logger }).dispose();
    expect(warnings).toEqual([{ message: 'model release failed', fields: { model: 'toy', backend: 'test', error: 'native release failed' } }]);
  });

  it('returns a rejected promise, never a synchronous throw, when the runner throws synchronously', async () => {
    const runner: ModelRunner = {
      run: () => {
        throw new InferoxError('BACKEND_ERROR', 'sync failure');
      },
      release: () => {},
    };
    const handle = handleOf(runner);
    const result = handle.run(feeds());
    await expectInferoxError(result, 'BACKEND_ERROR', 'sync failure');
    await handle.dispose();
  });
});

describe('ManagedModelHandle release failures', () => {
  it('logs a release that throws something other than an Error', async () => {
    const warnings: unknown[] = [];
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (_message, fields) => warnings.push(fields) };
    const runner: ModelRunner = {
      run: async () => ({}),
      release: () => {
        throw 'gone'; // a native binding may throw a string
      },
    };
    await handleOf(runner, { logger }).dispose();
    expect(warnings).toEqual([{ model: 'toy', backend: 'test', error: 'gone' }]);
  });
});

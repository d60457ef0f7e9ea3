import { ManagedModelHandle, type ModelHandle, type ModelSignature, type RunOptions, Tensor, type TensorMap } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExecutorContext } from '../scheduler';
import { inlineRun } from './inline-run';

const signature: ModelSignature = {
  inputs: [{ name: 'ids', dtype: 'int64', shape: ['batch'], valueRange: { min: 0, maxExclusive: 10 } }],
  outputs: [{ name: 'y', dtype: 'float32', shape: [] }],
};

/** A core managed handle whose runner records the feeds it ran. */
function managed(): { handle: ManagedModelHandle; ran: TensorMap[] } {
  const ran: TensorMap[] = [];
  const handle = new ManagedModelHandle({
    name: 'toy',
    backend: 'test',
    device: { kind: 'cpu' },
    signature,
    memoryBytes: 8,
    runner: {
      async run(feeds) {
        ran.push(feeds);
        return { y: Tensor.from('float32', [1], []) };
      },
      release() {},
    },
  });
  return { handle, ran };
}

const context = (signal = new AbortController().signal): ExecutorContext => ({ signal, ownsFeeds: false }) as ExecutorContext;
const outOfRange = (): TensorMap => ({ ids: Tensor.from('int64', [99n], [1]) });

describe('inlineRun', () => {
  afterEach(() => vi.restoreAllMocks());

  it("runs a core managed handle through its internal entry, not its public run, honouring the engine's validation", async () => {
    const { handle, ran } = managed();
    const publicRun = vi.spyOn(ManagedModelHandle.prototype, 'run');
    const run = inlineRun(handle);
    const feeds = outOfRange();
    // Validated by the engine: not checked again, so even this out-of-range feed reaches the runner.
    expect(Object.keys(await run(feeds, context(), true))).toEqual(['y']);
    expect(ran).toEqual([feeds]);
    // Not validated: the handle checks it and refuses it.
    expect((await rejectionOf(run(outOfRange(), context(), false))).code).toBe('INVALID_INPUT');
    expect(publicRun).not.toHaveBeenCalled();
  });

  it("calls a handle's own run with the scheduler's signal when the handle replaced core's run, or is not core's", async () => {
    const { handle } = managed();
    const seen: (RunOptions | undefined)[] = [];
    const own = async (_feeds: TensorMap, options?: RunOptions): Promise<Record<string, Tensor>> => {
      seen.push(options);
      return { y: Tensor.from('float32', [2], []) };
    };
    Object.defineProperty(handle, 'run', { value: own });
    const signal = new AbortController().signal;
    await inlineRun(handle)(outOfRange(), context(signal), true);
    const plain = { ...handle, run: own } as unknown as ModelHandle;
    await inlineRun(plain)(outOfRange(), context(signal), true);
    expect(seen).toEqual([{ signal }, { signal }]);
    expect(seen.every((o) => o?.signal === signal)).toBe(true);
  });

  it("calls core's public run, checking the feeds, when a managed handle's internal entry is hidden", async () => {
    const { handle, ran } = managed();
    Object.defineProperty(handle, Symbol.for('@inferox/core:ManagedModelHandle.runChecked'), { value: undefined });
    const run = inlineRun(handle);
    expect((await rejectionOf(run(outOfRange(), context(), true))).code).toBe('INVALID_INPUT');
    const feeds = { ids: Tensor.from('int64', [3n], [1]) };
    expect(Object.keys(await run(feeds, context(), true))).toEqual(['y']);
    expect(ran).toEqual([feeds]);
  });
});

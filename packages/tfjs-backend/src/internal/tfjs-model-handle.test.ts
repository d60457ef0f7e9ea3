import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ModelHandle, Tensor } from '@inferox/core';
import { expectInferoxError, maxAbsDiff } from '@inferox/core/testing';
import { createTfjsBackend } from '../create-tfjs-backend';
import type { TfjsBackend } from '../tfjs-backend';
import { tempDir } from './test-fixtures.fixture';
import { closeGate, gateOpCalls, gatedReference, openGate, registerGateOp, writeGatedGraph } from './tfjs/gated-graph.fixture';

const X = Float32Array.from([1, 2, -3, 4]);
const feeds = () => ({ x: Tensor.from('float32', X, [2, 2]) });

describe('TfjsModelHandle', () => {
  let backend: TfjsBackend;
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let dir: string;
  let deregister: () => void;

  beforeAll(async () => {
    deregister = registerGateOp();
    backend = createTfjsBackend({ runtime: 'cpu' });
    await backend.init();
    temp = await tempDir();
    dir = join(temp.dir, 'gated');
    await writeGatedGraph(dir);
  });
  afterEach(openGate);
  afterAll(async () => {
    await backend.dispose();
    await temp.remove();
    deregister();
  });

  /** Loads the gated graph and runs it once with the gate open, so tfjs has learnt it needs executeAsync. */
  async function loadGated(): Promise<ModelHandle> {
    const handle = await backend.loadModel(dir);
    const { out } = await handle.run(feeds());
    expect(maxAbsDiff(out!.data as Float32Array, gatedReference(X))).toBeLessThan(1e-6);
    return handle;
  }

  it('rejects a run with DISPOSED and frees the weights when dispose() follows run() at once', async () => {
    const before = tf.memory().numTensors;
    const handle = await backend.loadModel(dir);
    const run = handle.run(feeds());
    const disposed = handle.dispose();
    await expectInferoxError(run, 'DISPOSED', '"gated"', 'disposed');
    await disposed;
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lets an asynchronous graph run finish with its weights when the handle is disposed mid-run', async () => {
    const before = tf.memory().numTensors;
    const handle = await loadGated();
    const gate = closeGate();
    const run = handle.run(feeds());
    await gate.entered;
    let freed = false;
    const disposed = handle.dispose().then(() => {
      freed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(freed).toBe(false);
    gate.open();
    const { out } = await run;
    expect(maxAbsDiff(out!.data as Float32Array, gatedReference(X))).toBeLessThan(1e-6);
    await disposed;
    expect(handle.disposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects with CANCELLED without computing when the signal aborts while the run waits for the engine', async () => {
    const handle = await loadGated();
    const gate = closeGate();
    const first = handle.run(feeds());
    await gate.entered;
    const calls = gateOpCalls();
    const controller = new AbortController();
    const waiting = handle.run(feeds(), { signal: controller.signal });
    controller.abort(new Error('no longer needed'));
    gate.open();
    await first;
    const error = await expectInferoxError(waiting, 'CANCELLED', 'tfjs run of gated');
    expect(error.cause).toEqual(new Error('no longer needed'));
    expect(gateOpCalls()).toBe(calls);
    await handle.dispose();
  });
});

import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ModelHandle, Tensor } from '@inferox/core';
import { maxAbsDiff } from '@inferox/core/testing';
import { createTfjsBackend } from '../create-tfjs-backend';
import type { TfjsBackend } from '../tfjs-backend';
import { engineLockHolders } from './engine-lock';
import { mlpInput, mlpReference, tempDir, writeMlpCheckpoint } from './test-fixtures.fixture';
import { closeGate, gatedReference, openGate, registerGateOp, writeGatedGraph } from './tfjs/gated-graph.fixture';

const X = Float32Array.from([1, 2, -3, 4]);
const feeds = () => ({ x: Tensor.from('float32', X, [2, 2]) });

/**
 * Resolves once `load` has settled or queued behind the run holding the engine lock, whichever comes first, so a
 * test can let the run finish only after the load had its chance to make tensors inside the run's scope.
 */
async function loadSettledOrQueued(load: Promise<unknown>): Promise<void> {
  let settled = false;
  const done = (): void => {
    settled = true;
  };
  load.then(done, done);
  while (!settled && engineLockHolders() < 2) await new Promise((resolve) => setImmediate(resolve));
}

describe('loadSource', () => {
  let backend: TfjsBackend;
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let gatedDir: string;
  let running: ModelHandle;
  let deregister: () => void;

  beforeAll(async () => {
    deregister = registerGateOp();
    backend = createTfjsBackend({ runtime: 'cpu' });
    temp = await tempDir();
    gatedDir = join(temp.dir, 'gated');
    await writeGatedGraph(gatedDir);
    running = await backend.loadModel(gatedDir, { name: 'running' });
    await running.run(feeds()); // tfjs learns the graph needs executeAsync
  });
  afterEach(openGate);
  afterAll(async () => {
    await backend.dispose();
    await temp.remove();
    deregister();
  });

  it('keeps the weights of a TF.js graph model loaded while an asynchronous graph run is in flight', async () => {
    const gate = closeGate();
    const run = running.run(feeds());
    await gate.entered;
    const load = backend.loadModel(gatedDir, { name: 'loaded' });
    await loadSettledOrQueued(load);
    gate.open();
    await run;
    const loaded = await load;
    const { out } = await loaded.run(feeds());
    expect(maxAbsDiff(out!.data as Float32Array, gatedReference(X))).toBeLessThan(1e-6);
    await loaded.dispose();
  });

  it('keeps the weights of a checkpoint built while an asynchronous graph run is in flight', async () => {
    const mlp = await writeMlpCheckpoint(join(temp.dir, 'mlp'));
    const gate = closeGate();
    const run = running.run(feeds());
    await gate.entered;
    const load = backend.loadModel(mlp.dir);
    await loadSettledOrQueued(load);
    gate.open();
    await run;
    const loaded = await load;
    const input = mlpInput(2, 10);
    const { logits } = await loaded.run({ input });
    expect(maxAbsDiff(logits!.data as Float32Array, mlpReference(mlp, input.data, 2))).toBeLessThan(1e-5);
    await loaded.dispose();
  });
});

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Tensor } from '@inferox/core';
import { maxAbsDiff } from '@inferox/core/testing';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WorkerInstance, createWorkerInstance } from './create-worker-instance';

const BERT = resolve(import.meta.dirname, '../../../../fixtures/tiny-bert-hf');

interface Reference {
  inputs: Record<'input_ids' | 'attention_mask' | 'token_type_ids', number[][]>;
  last_hidden_state: number[][][];
  pooler_output: number[][];
}
const reference = JSON.parse(readFileSync(resolve(BERT, 'reference.json'), 'utf8')) as Reference;

/** The reference rows, repeated `copies` times (int64, [3 × copies, 12]). */
function bertFeeds(copies = 1): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(reference.inputs).map(([name, rows]) => {
      const all = Array.from({ length: copies }, () => rows).flat();
      return [name, Tensor.from('int64', all.flat().map(BigInt), [all.length, rows[0]!.length])];
    }),
  );
}

describe('WorkerInstance with the tfjs (wasm) tiny BERT', () => {
  let bert: WorkerInstance;
  beforeAll(async () => {
    // The backend's own factorySpec says how to recreate it in the worker; nothing loads on the main thread.
    bert = await createWorkerInstance({ backend: createTfjsBackend({ runtime: 'wasm' }).factorySpec, source: BERT });
  }, 60_000);
  afterAll(async () => {
    await bert?.dispose();
  });

  it('matches the reference outputs when the model runs in a worker', async () => {
    const out = await bert.run(bertFeeds());
    expect(out.last_hidden_state!.shape).toEqual([3, 12, 64]);
    expect(maxAbsDiff(out.last_hidden_state!.data as Float32Array, reference.last_hidden_state.flat(2))).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.pooler_output!.data as Float32Array, reference.pooler_output.flat())).toBeLessThan(1e-4);
  });

  it('keeps the main event loop turning while a run is pending in the worker, where an inline run blocks it throughout', async () => {
    // The same real work on both sides: the three reference rows repeated (batch 48), checked against the reference.
    const copies = 16;
    const expected = Array.from({ length: copies }, () => reference.last_hidden_state.flat(2)).flat();

    // Inline: a setImmediate queued as the run starts has not run when the run's result arrives, so the event loop
    // made no turn in between: the main thread was busy with the run the whole time.
    const inline = await createTfjsBackend({ runtime: 'wasm' }).loadModel(BERT);
    try {
      await inline.run(bertFeeds(copies)); // warm-up: first-run compilation is not what is measured
      let turned = false;
      const immediate = setImmediate(() => {
        turned = true;
      });
      const out = await inline.run(bertFeeds(copies));
      const turnedDuringInlineRun = turned;
      clearImmediate(immediate);
      expect(maxAbsDiff(out.last_hidden_state!.data as Float32Array, expected)).toBeLessThan(1e-4);
      expect(turnedDuringInlineRun).toBe(false);
    } finally {
      await inline.dispose();
    }

    // Worker: setImmediate callbacks keep running while the same runs are pending, each one seeing them unsettled.
    // Three runs in sequence: whichever loop turn follows the first result finds the second one pending, so the count
    // does not depend on how fast the worker is.
    await bert.run(bertFeeds(copies)); // warm-up
    let settled = false;
    const run = (async () => {
      let last;
      for (let i = 0; i < 3; i++) last = await bert.run(bertFeeds(copies));
      return last!;
    })().finally(() => {
      settled = true;
    });
    const turnsWhilePending = await new Promise<number>((resolve) => {
      let turns = 0;
      const turn = (): void => {
        if (settled) resolve(turns);
        else {
          turns += 1;
          setImmediate(turn);
        }
      };
      setImmediate(turn);
    });
    const out = await run;
    expect(maxAbsDiff(out.last_hidden_state!.data as Float32Array, expected)).toBeLessThan(1e-4);
    expect(turnsWhilePending).toBeGreaterThan(0);
  });
});

describe('WorkerInstance with the onnx tiny BERT', () => {
  it('matches the reference outputs when onnxruntime-node runs in a worker', async () => {
    const backend = createOnnxBackend();
    const bert = await createWorkerInstance({ backend: backend.factorySpec!, source: resolve(BERT, 'model.onnx') });
    try {
      const out = await bert.run(bertFeeds(), { transferFeeds: true });
      expect(out.last_hidden_state!.shape).toEqual([3, 12, 64]);
      expect(maxAbsDiff(out.last_hidden_state!.data as Float32Array, reference.last_hidden_state.flat(2))).toBeLessThan(1e-4);
    } finally {
      await Promise.all([bert.dispose(), backend.dispose()]);
    }
  }, 60_000);
});

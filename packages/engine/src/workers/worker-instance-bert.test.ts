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

function bertFeeds(): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(reference.inputs).map(([name, rows]) => [name, Tensor.from('int64', rows.flat().map(BigInt), [rows.length, rows[0]!.length])]),
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

  it('keeps the main event loop free when inference runs in the worker', async () => {
    let inFlight = 0;
    let ticksDuringInference = 0;
    const interval = setInterval(() => {
      if (inFlight > 0) ticksDuringInference += 1;
    }, 1);
    try {
      const runs = Array.from({ length: 8 }, async () => {
        inFlight += 1;
        try {
          return await bert.run(bertFeeds());
        } finally {
          inFlight -= 1;
        }
      });
      await Promise.all(runs);
      expect(ticksDuringInference).toBeGreaterThan(0);
    } finally {
      clearInterval(interval);
    }
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

import { resolve } from 'node:path';
import { type BertReference, bertReferenceFeeds, expectBertReference } from '@inferox/core/testing';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BERT_DIR, BERT_REFERENCE, bertFeeds } from '../real-models.fixture';
import { type WorkerInstance, createWorkerInstance } from './create-worker-instance';

/** The reference with its rows repeated `copies` times: a bigger batch whose expected outputs are known. */
function repeated(copies: number): BertReference {
  const times = <T,>(rows: readonly T[]): T[] => Array.from({ length: copies }, () => rows).flat() as T[];
  const { inputs } = BERT_REFERENCE;
  return {
    inputs: { input_ids: times(inputs.input_ids), attention_mask: times(inputs.attention_mask), token_type_ids: times(inputs.token_type_ids) },
    last_hidden_state: times(BERT_REFERENCE.last_hidden_state),
    pooler_output: times(BERT_REFERENCE.pooler_output),
  };
}

describe('WorkerInstance with the tfjs (wasm) tiny BERT', () => {
  let bert: WorkerInstance;
  beforeAll(async () => {
    // The backend's own factorySpec says how to recreate it in the worker; nothing loads on the main thread.
    bert = await createWorkerInstance({ backend: createTfjsBackend({ runtime: 'wasm' }).factorySpec, source: BERT_DIR });
  }, 60_000);
  afterAll(async () => {
    await bert?.dispose();
  });

  it('matches the reference outputs when the model runs in a worker', async () => {
    expectBertReference(await bert.run(bertFeeds()), BERT_REFERENCE);
  });

  it('keeps the main event loop turning while a run is pending in the worker, where an inline run blocks it throughout', async () => {
    // The same real work on both sides: the three reference rows repeated (batch 48), checked against the reference.
    const big = repeated(16);

    // Inline: a setImmediate queued as the run starts has not run when the run's result arrives, so the event loop
    // made no turn in between: the main thread was busy with the run the whole time.
    const inline = await createTfjsBackend({ runtime: 'wasm' }).loadModel(BERT_DIR);
    try {
      await inline.run(bertReferenceFeeds(big)); // warm-up: first-run compilation is not what is measured
      let turned = false;
      const immediate = setImmediate(() => {
        turned = true;
      });
      const out = await inline.run(bertReferenceFeeds(big));
      const turnedDuringInlineRun = turned;
      clearImmediate(immediate);
      expectBertReference(out, big);
      expect(turnedDuringInlineRun).toBe(false);
    } finally {
      await inline.dispose();
    }

    // Worker: setImmediate callbacks keep running while the same runs are pending, each one seeing them unsettled.
    // Three runs in sequence: whichever loop turn follows the first result finds the second one pending, so the count
    // does not depend on how fast the worker is.
    await bert.run(bertReferenceFeeds(big)); // warm-up
    let settled = false;
    const run = (async () => {
      let last;
      for (let i = 0; i < 3; i++) last = await bert.run(bertReferenceFeeds(big));
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
    expectBertReference(out, big);
    expect(turnsWhilePending).toBeGreaterThan(0);
  });
});

describe('WorkerInstance with the onnx tiny BERT', () => {
  it('matches the reference outputs when onnxruntime-node runs in a worker', async () => {
    const backend = createOnnxBackend();
    const bert = await createWorkerInstance({ backend: backend.factorySpec!, source: resolve(BERT_DIR, 'model.onnx') });
    try {
      expectBertReference(await bert.run(bertFeeds(), { transferFeeds: true }), BERT_REFERENCE);
    } finally {
      await Promise.all([bert.dispose(), backend.dispose()]);
    }
  }, 60_000);
});

import { expectBertReference } from '@inferox/core/testing';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { createEngine } from './engine';
import type { ModelSpec } from './model-spec';
import { BERT_DIR, BERT_REFERENCE, bertFeeds } from './real-models.fixture';

describe('Engine batching by default', () => {
  // Four requests while the instance is held: the first runs, the other three queue, and the rows of each run after it
  // say how they were grouped.
  it.each([
    { spec: {}, batchable: true, rows: [1, 3], why: 'a batchable handle batches what queued (up to 16, no wait)' },
    { spec: {}, batchable: false, rows: [1, 1, 1, 1], why: 'a handle that is not batchable does not' },
    { spec: {}, batchable: undefined, rows: [1, 1, 1, 1], why: 'a handle that says nothing does not' },
    { spec: { batching: false }, batchable: true, rows: [1, 1, 1, 1], why: 'batching: false turns the default off' },
    { spec: { batching: { maxBatchSize: 2, maxQueueDelayMs: 0 } }, batchable: true, rows: [1, 2, 1], why: 'the spec’s batching wins' },
  ] satisfies { spec: Omit<ModelSpec, 'source'>; batchable: boolean | undefined; rows: number[]; why: string }[])('runs rows $rows: $why', async ({ spec, batchable, rows }) => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    try {
      const options: ControlledLoadOptions = batchable === undefined ? {} : { batchable };
      await engine.load('m', { source: 'm', options, ...spec });
      ctl.hold();
      const results = [1, 2, 3, 4].map((v) => engine.infer('m', feedsOf(v)));
      await ctl.whenWaiting(1);
      for (let i = 0; i < 20; i++) await Promise.resolve();
      ctl.release();
      const outputs = await Promise.all(results);
      expect(ctl.runs.map((r) => r.rows)).toEqual(rows);
      // Each caller still gets its own row back.
      expect(outputs.map((o) => Array.from(o.outputs.y!.data as Float32Array)[0])).toEqual([1, 2, 3, 4]);
    } finally {
      ctl.release();
      await engine.close();
    }
  });

  it.each(['yes', 1])('refuses a handle whose batchable is %j with BACKEND_ERROR naming it, and disposes the handle', async (bad) => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    try {
      await expect(engine.load('m', { source: 'm', options: { batchable: bad } })).rejects.toMatchObject({
        code: 'BACKEND_ERROR',
        message: `batchable of the handle backend "ctl" loaded must be a boolean, got ${JSON.stringify(bad)}`,
        details: expect.objectContaining({ field: 'batchable' }),
      });
      expect([ctl.loads, ctl.live.size, engine.list()]).toEqual([1, 0, []]);
    } finally {
      await engine.close();
    }
  });

  it.each(['inline', 'worker'] as const)('batches the tiny BERT loaded with no options (%s) and answers each caller with its reference row', async (mode) => {
    const engine = createEngine({ backends: [createOnnxBackend()] });
    try {
      await engine.load('bert', { source: BERT_DIR, ...(mode === 'worker' ? { instances: { count: 1, mode } } : {}) });
      // Three rounds of the three reference rows at once: while one run computes, the others queue and go together.
      for (let round = 0; round < 3; round++) {
        const results = await Promise.all([0, 1, 2].map((i) => engine.infer('bert', bertFeeds(i, i + 1))));
        results.forEach((r, i) => expectBertReference(r.outputs, BERT_REFERENCE, { rows: [i, i + 1] }));
      }
      const sizes = Object.keys(engine.stats().batches.sizes).map(Number);
      expect(Math.max(...sizes)).toBeGreaterThan(1);
    } finally {
      await engine.close();
    }
  });
});

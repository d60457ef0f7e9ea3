import { Tensor, isInferoxError } from '@inferox/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from './engine';
import type { StreamItem } from './infer-result';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';

describe('Engine inferBatch and inferStream', () => {
  let engine: Engine<ControlledLoadOptions>;
  let ctl: ControlledBackend;
  afterEach(async () => {
    await engine.close();
  });

  async function setup(): Promise<void> {
    ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', options: { factor: 2 } });
  }

  it('returns an empty list for an empty batch and keeps input order with each item settling on its own', async () => {
    await setup();
    expect(await engine.inferBatch('m', [])).toEqual([]);
    const results = await engine.inferBatch('m', [feedsOf(1), { x: Tensor.zeros('int32', [1, 2]) }, feedsOf(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]!.status === 'fulfilled' && (results[0]!.value.outputs.y!.data as Float32Array)[0]).toBe(2);
    expect(results[2]!.status === 'fulfilled' && (results[2]!.value.outputs.y!.data as Float32Array)[0]).toBe(6);
    expect(results[1]!.status === 'rejected' && isInferoxError(results[1]!.reason, 'INVALID_INPUT')).toBe(true);
    await expect(engine.inferBatch('m', 'nope' as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('yields each result as it completes, with its index', async () => {
    await setup();
    ctl.hold();
    const items: StreamItem[] = [];
    const reading = (async () => {
      for await (const item of engine.inferStream('m', [feedsOf(1), feedsOf(2), { x: Tensor.zeros('int32', [1, 2]) }])) {
        items.push(item);
        if (items.length === 1) ctl.release(1);
        if (items.length === 2) ctl.release();
      }
    })();
    await reading;
    expect(items.map((i) => i.index)).toEqual([2, 0, 1]);
    expect('error' in items[0]! && isInferoxError(items[0].error, 'INVALID_INPUT')).toBe(true);
    expect('result' in items[1]! && (items[1].result.outputs.y!.data as Float32Array)[0]).toBe(2);
  });

  it('cancels what has not started when the consumer breaks out', async () => {
    await setup();
    ctl.hold();
    const feeds = Array.from({ length: 5 }, (_, i) => feedsOf(i));
    const started = ctl.whenWaiting(1);
    const seen: number[] = [];
    const loop = (async () => {
      for await (const item of engine.inferStream('m', feeds)) {
        seen.push(item.index);
        break;
      }
    })();
    await started;
    ctl.release(1);
    await loop;
    expect(seen).toEqual([0]);
    ctl.release();
    // The first finished and the second had started when the loop broke; the other three never reached the backend.
    await engine.close();
    expect(ctl.runs.length).toBe(2);
    expect(engine.stats().requests).toMatchObject({ succeeded: 1, failed: { CANCELLED: 4 } });
  });

  it('streams and batches many requests under one caller signal without piling listeners on it', async () => {
    await setup();
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const indexes: number[] = [];
      for await (const item of engine.inferStream('m', Array.from({ length: 40 }, (_, i) => feedsOf(i)), { signal: controller.signal })) indexes.push(item.index);
      await new Promise((resolve) => setImmediate(resolve));
      expect(indexes.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      const batch = await engine.inferBatch('m', Array.from({ length: 40 }, (_, i) => feedsOf(i)), { signal: controller.signal });
      expect(batch.every((r) => r.status === 'fulfilled')).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('cancels the queued items of a batch when its signal aborts', async () => {
    await setup();
    ctl.hold();
    const controller = new AbortController();
    const batch = engine.inferBatch('m', [feedsOf(1), feedsOf(2), feedsOf(3)], { signal: controller.signal });
    await ctl.whenWaiting(1);
    controller.abort(new Error('enough'));
    ctl.release();
    const results = await batch;
    expect(results.slice(1).map((r) => r.status === 'rejected' && (r.reason as { code: string }).code)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(ctl.runs.length).toBe(1);
  });

  it('stops at once when its signal is already aborted', async () => {
    await setup();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const codes: string[] = [];
    for await (const item of engine.inferStream('m', [feedsOf(1), feedsOf(2)], { signal: controller.signal })) {
      codes.push('error' in item && isInferoxError(item.error) ? item.error.code : 'ok');
    }
    expect(codes).toEqual(['CANCELLED', 'CANCELLED']);
    expect(() => engine.inferStream('m', 'x' as never)).toThrow(/array/);
  });
});

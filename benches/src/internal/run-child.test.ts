import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChild } from './run-child';

const ONNX = resolve(import.meta.dirname, '../../../fixtures/tiny-bert-hf/model.onnx');

describe('runChild', () => {
  it('returns the RSS figures a child measured when it loads a real model', async () => {
    const r = await runChild<{ before: number; afterLoad: number; afterRun: number }>({ kind: 'load', side: 'ort', onnxPath: ONNX, threads: 1, seq: 8 });
    expect(r.before).toBeGreaterThan(0);
    expect(r.afterLoad).toBeGreaterThan(0);
    expect(r.afterRun).toBeGreaterThan(0);
  });

  it("rejects with the child's error when the task fails", async () => {
    await expect(runChild({ kind: 'load', side: 'ort', onnxPath: '/nonexistent/model.onnx', threads: 1, seq: 8 })).rejects.toThrow(/child load exited with 1: [\s\S]*nonexistent/);
  });
});

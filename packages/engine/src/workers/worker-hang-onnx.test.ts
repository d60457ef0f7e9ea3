import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTsChild } from '../ts-child.fixture';

describe('worker instances on the real onnx backend', () => {
  it('answers TIMEOUT and lets the process exit 0 by itself when a run passes workerRunTimeoutMs inside onnxruntime', async () => {
    // Before the fix the hang recovery terminated the worker under onnxruntime's run: the process aborted (134).
    const { code, signal, out, err } = await runTsChild(resolve(import.meta.dirname, 'worker-hang-child.fixture.ts'), []);
    expect([code, signal], err).toEqual([0, null]);
    expect(err).not.toContain('Napi::Error');
    const report = JSON.parse(out.trim().split('\n').at(-1)!) as { codes: string[] };
    expect(report.codes).toEqual(['TIMEOUT', 'TIMEOUT']);
  }, 120_000);
});

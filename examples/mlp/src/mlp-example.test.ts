import { describe, expect, it } from 'vitest';
import { BATCH_SIZES, MLPS, runMlpExample } from './mlp-example';

describe('runMlpExample', () => {
  it('prints one row per model, backend and batch size, agreeing with the JS reference, and shows the shape error', async () => {
    const lines: string[] = [];
    const { rows, error } = await runMlpExample({ rounds: 1, tfjsRuntime: 'cpu', print: (l) => lines.push(l) });
    expect(rows).toHaveLength(MLPS.length * 2 * BATCH_SIZES.length);
    for (const mlp of MLPS) {
      for (const backend of ['onnx', 'tfjs']) {
        expect(rows.filter((r) => r.model === mlp.name && r.backend === backend).map((r) => r.batch)).toEqual([...BATCH_SIZES]);
      }
    }
    for (const row of rows) expect(row.maxAbsDiff, `${row.model} on ${row.backend} at batch ${row.batch}`).toBeLessThan(1e-5);
    expect(rows.find((r) => r.backend === 'tfjs')!.runtime).toBe('cpu');
    expect(error).toMatch(/^error \[INVALID_INPUT\]: .*"input"/);
    expect(error).toContain('10');
    expect(lines[0]).toContain('max |Δ|');
    expect(lines.join('\n')).toContain('mlp-5-4-4-2    tfjs');
  });
});

describe('runMlpExample options', () => {
  it.each([0, 1.5, Number.NaN])('rejects rounds %s with INVALID_INPUT naming the value', async (rounds) => {
    await expect(runMlpExample({ rounds, print: () => {} })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: `rounds must be a whole number ≥ 1, got ${rounds}` });
  });
});

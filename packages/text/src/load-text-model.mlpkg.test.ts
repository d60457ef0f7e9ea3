import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxAbsDiff } from '@inferox/core/testing';
import { createEngine } from '@inferox/engine';
import { packModel } from '@inferox/mlpkg';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLS_DIR, CLS_REFERENCE } from './internal/acceptance.fixture';
import { loadTextModel } from './load-text-model';

describe('loadTextModel from an mlpkg package', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'inferox-text-mlpkg-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('reads the tokenizer from the package and classifies as the folder does', async () => {
    const dir = join(tmp, 'cls.mlpkg');
    await packModel(CLS_DIR, dir, { name: 'tiny-cls' });
    const engine = createEngine({ backends: [createOnnxBackend()] });
    try {
      const model = await loadTextModel(engine, dir);
      expect([model.name, model.task]).toEqual(['tiny-cls', 'classification']);
      const items = CLS_REFERENCE.items.slice(0, 4);
      const results = await model.classify(items.map((i) => i.text), { rawScores: true });
      items.forEach((item, i) => {
        const logits = ['negative', 'neutral', 'positive'].map((label) => results[i]!.find((r) => r.label === label)!.score);
        expect(maxAbsDiff(logits, item.logits)).toBeLessThanOrEqual(1e-3);
      });
    } finally {
      await engine.close();
    }
  });
});

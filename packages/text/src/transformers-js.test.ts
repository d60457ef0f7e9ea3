import { createOnnxBackend } from '@inferox/onnx-backend';
import { maxAbsDiff } from '@inferox/core/testing';
import { createEngine } from '@inferox/engine';
import { AutoTokenizer, env, pipeline } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ST_REFERENCE } from './internal/acceptance.fixture';
import { loadTextModel } from './load-text-model';

describe('loadTextModel against transformers.js', () => {
  it('gives the same ids and embeddings within 1e-5 as transformers.js on the same folder', async () => {
    env.allowRemoteModels = false;
    env.localModelPath = FIXTURES;
    const texts = ST_REFERENCE.items.filter((i) => i.prompt_name === null).map((i) => i.text);
    const tokenizer = await AutoTokenizer.from_pretrained('tiny-bert-st');
    const extractor = await pipeline('feature-extraction', 'tiny-bert-st', { dtype: 'fp32' });
    // transformers.js reads model_max_length (512), not sentence_bert_config.json's max_seq_length (128): tell it.
    Object.defineProperty(extractor.tokenizer, 'model_max_length', { value: 128 });
    const engine = createEngine({ backends: [createOnnxBackend()] });
    try {
      const model = await loadTextModel(engine, `${FIXTURES}tiny-bert-st`, { backends: ['onnx'] });
      const ours = await model.embed(texts);
      const ids = await model.tokenize(texts);
      for (const [i, text] of texts.entries()) {
        const theirs = tokenizer(text, { truncation: true, max_length: 128 }) as { input_ids: { data: BigInt64Array } };
        expect(ids[i]!.map((t) => t.id), text).toEqual(Array.from(theirs.input_ids.data, Number));
        const output = await extractor(text, { pooling: 'mean', normalize: true });
        expect(maxAbsDiff(ours.embeddings[i]!, output.data as Float32Array), text).toBeLessThanOrEqual(1e-5);
      }
    } finally {
      await extractor.dispose();
      await engine.close();
    }
  }, 120_000);
});

import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectInferoxError } from '@inferox/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextModelFiles } from './read-text-model-files';

const fixtures = fileURLToPath(new URL('../../../../fixtures/', import.meta.url));
const st = join(fixtures, 'tiny-bert-st');
const cls = join(fixtures, 'tiny-bert-cls');

describe('readTextModelFiles', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'inferox-text-files-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  const copyOf = async (from: string, name: string): Promise<string> => {
    const dir = join(tmp, name);
    await cp(from, dir, { recursive: true, filter: (src) => !src.endsWith('.safetensors') && !src.endsWith('.onnx') });
    return dir;
  };

  it('reads the sentence-transformers modules, prompts and limit when the folder has modules.json', async () => {
    const files = await readTextModelFiles(st);
    expect(files.config.model_type).toBe('bert');
    expect(files.maxSequenceLength).toBe(128);
    expect(files.truncationSide).toBe('right');
    expect(files.sentenceTransformers).toEqual({
      modules: ['sentence_transformers.models.Transformer', 'sentence_transformers.models.Pooling', 'sentence_transformers.models.Normalize'],
      pooling: 'mean',
      includePrompt: true,
      normalize: true,
      dimensions: 64,
      prompts: { query: 'query: ', passage: 'passage: ' },
      maxSeqLength: 128,
    });
    expect((files.tokenizerJson.model as { type: string }).type).toBe('WordPiece');
  });

  it('takes model_max_length and id2label when there are no sentence-transformers files', async () => {
    const files = await readTextModelFiles(cls);
    expect(files.sentenceTransformers).toBeUndefined();
    expect(files.maxSequenceLength).toBe(512);
    expect(files.config.id2label).toEqual({ 0: 'negative', 1: 'neutral', 2: 'positive' });
  });

  it('lets max_seq_length win over model_max_length and caps both by max_position_embeddings', async () => {
    const dir = await copyOf(st, 'limits');
    await writeFile(join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 4096 }));
    expect((await readTextModelFiles(dir)).maxSequenceLength).toBe(512);
    await writeFile(join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 16 }));
    await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 64, truncation_side: 'left' }));
    const files = await readTextModelFiles(dir);
    expect(files.maxSequenceLength).toBe(16);
    expect(files.truncationSide).toBe('left');
  });

  it('names tokenizer.json when the folder lacks it', async () => {
    const dir = await copyOf(cls, 'no-tokenizer');
    await rm(join(dir, 'tokenizer.json'));
    await expectInferoxError(readTextModelFiles(dir), 'PACKAGE_INVALID', 'tokenizer.json', 'missing');
  });

  it('names the file and field when a config has the wrong shape', async () => {
    const dir = await copyOf(st, 'bad-pooling');
    await writeFile(join(dir, '1_Pooling', 'config.json'), JSON.stringify({ pooling_mode_mean_tokens: 'yes' }));
    await expectInferoxError(readTextModelFiles(dir), 'PACKAGE_INVALID', 'config.json', 'pooling_mode_mean_tokens');
    await writeFile(join(dir, '1_Pooling', 'config.json'), JSON.stringify({ pooling_mode_mean_tokens: true, pooling_mode_cls_token: true }));
    await expectInferoxError(readTextModelFiles(dir), 'PACKAGE_INVALID', 'several pooling modes', 'cls, mean');
    await writeFile(join(dir, '1_Pooling', 'config.json'), '{not json');
    await expectInferoxError(readTextModelFiles(dir), 'PACKAGE_INVALID', 'not valid JSON');
  });

  it('reads every pooling mode sentence-transformers writes', async () => {
    const dir = await copyOf(st, 'modes');
    const modes = { pooling_mode_cls_token: 'cls', pooling_mode_max_tokens: 'max', pooling_mode_lasttoken: 'last-token', pooling_mode_weightedmean_tokens: 'weighted-mean', pooling_mode_mean_sqrt_len_tokens: 'mean-sqrt-len' };
    for (const [key, mode] of Object.entries(modes)) {
      await writeFile(join(dir, '1_Pooling', 'config.json'), JSON.stringify({ [key]: true, include_prompt: false }));
      const files = await readTextModelFiles(dir);
      expect([files.sentenceTransformers?.pooling, files.sentenceTransformers?.includePrompt]).toEqual([mode, false]);
    }
  });

  it('refuses a module path that leaves the folder and answers CANCELLED on abort', async () => {
    const dir = await copyOf(st, 'escape');
    await writeFile(join(dir, 'modules.json'), JSON.stringify([{ path: '../x', type: 'sentence_transformers.models.Pooling' }]));
    await expectInferoxError(readTextModelFiles(dir), 'PACKAGE_INVALID', '../x');
    await expectInferoxError(readTextModelFiles(st, { signal: AbortSignal.abort() }), 'CANCELLED');
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bertTokenizerJson, writeTransformersFolder } from './transformers-folder';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', '##s'];
const FIXTURE = resolve(import.meta.dirname, '../../../fixtures/tiny-bert-hf');
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('bertTokenizerJson', () => {
  it('describes an uncased WordPiece tokenizer with the CLS/SEP template when given a vocab', () => {
    const json = bertTokenizerJson(VOCAB) as {
      model: unknown;
      normalizer: unknown;
      pre_tokenizer: unknown;
      post_processor: { special_tokens: Record<string, { ids: number[] }>; single: Record<string, unknown>[] };
      added_tokens: { id: number }[];
    };
    expect(json.model).toMatchObject({ type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', vocab: { hello: 5, '##s': 6 } });
    expect(json.normalizer).toMatchObject({ type: 'BertNormalizer', lowercase: true });
    expect(json.pre_tokenizer).toEqual({ type: 'BertPreTokenizer' });
    expect(json.post_processor.special_tokens['[CLS]']?.ids).toEqual([2]);
    expect(json.post_processor.single.map((p) => Object.keys(p)[0])).toEqual(['SpecialToken', 'Sequence', 'SpecialToken']);
    expect(json.added_tokens.map((t) => t.id)).toEqual([0, 1, 2, 3, 4]);
  });

  it('throws naming the missing special token', () => {
    expect(() => bertTokenizerJson(['[PAD]', '[UNK]'])).toThrow('vocabulary has no [CLS] token');
  });
});

describe('writeTransformersFolder', () => {
  it('writes config, tokenizer files and onnx/model.onnx when given a checkpoint', async () => {
    const root = await mkdtemp(join(tmpdir(), 'bench-tjs-'));
    dirs.push(root);
    const dir = await writeTransformersFolder(root, 'm', { checkpointDir: FIXTURE, onnxPath: join(FIXTURE, 'model.onnx'), vocab: VOCAB });
    expect(dir).toBe(join(root, 'm'));
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toMatchObject({ model_type: 'bert' });
    expect(JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8'))).toMatchObject({ tokenizer_class: 'BertTokenizer', do_lower_case: true });
    expect(JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')).model.vocab.hello).toBe(5);
    expect((await readFile(join(dir, 'onnx/model.onnx'))).equals(await readFile(join(FIXTURE, 'model.onnx')))).toBe(true);
  });
});

import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { expectInferoxError } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, writeFolder } from '../internal/test-files.fixture';
import { readTextModelFiles } from './read-text-model-files';
import { MAX_TEXT_CONFIG_BYTES } from './text-model-file-schemas';

const CONFIG = { model_type: 'bert', max_position_embeddings: 512 };
const TOKENIZER = { model: { type: 'WordPiece' } };
const POOLING = 'sentence_transformers.models.Pooling';
const TRANSFORMER = 'sentence_transformers.models.Transformer';

const removers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(removers.splice(0).map((remove) => remove()));
});
/** A text model folder: config.json and tokenizer.json (unless replaced or left out with `undefined`) plus `files`. */
async function textFolder(files: Record<string, string | Record<string, unknown> | unknown[] | undefined> = {}): Promise<string> {
  const { dir, remove } = await tempDir();
  removers.push(remove);
  const all: Record<string, string | Record<string, unknown>> = {};
  for (const [name, content] of Object.entries({ 'config.json': CONFIG, 'tokenizer.json': TOKENIZER, ...files })) {
    if (content !== undefined) all[name] = Array.isArray(content) ? JSON.stringify(content) : (content as string | Record<string, unknown>);
  }
  return writeFolder(dir, all);
}

describe('readTextModelFiles on a plain folder', () => {
  it('reads config.json and tokenizer.json alone, with right-side defaults and the position limit', async () => {
    const dir = await textFolder();
    expect(await readTextModelFiles(dir)).toStrictEqual({
      dir,
      config: CONFIG,
      tokenizerJson: TOKENIZER,
      tokenizerConfig: {},
      maxSequenceLength: 512,
      truncationSide: 'right',
      paddingSide: 'right',
    });
  });

  it('takes padding_side and a model_max_length below the position limit from tokenizer_config.json', async () => {
    const dir = await textFolder({ 'tokenizer_config.json': { padding_side: 'left', model_max_length: 300 } });
    const files = await readTextModelFiles(dir);
    expect([files.paddingSide, files.truncationSide, files.maxSequenceLength]).toEqual(['left', 'right', 300]);
  });

  it('ignores the no-limit sentinel model_max_length (1e9 and above) and then needs max_position_embeddings', async () => {
    expect((await readTextModelFiles(await textFolder({ 'tokenizer_config.json': { model_max_length: 1e30 } }))).maxSequenceLength).toBe(512);
    for (const sentinel of [1e9, 1e30]) {
      const dir = await textFolder({ 'config.json': { model_type: 'bert' }, 'tokenizer_config.json': { model_max_length: sentinel } });
      await expectInferoxError(readTextModelFiles(dir), 'PACKAGE_INVALID', `${join(dir, 'config.json')}: no sequence limit: none of max_seq_length, model_max_length or max_position_embeddings is set`);
    }
    const below = await textFolder({ 'config.json': { model_type: 'bert' }, 'tokenizer_config.json': { model_max_length: 1e9 - 1 } });
    expect((await readTextModelFiles(below)).maxSequenceLength).toBe(1e9 - 1);
  });

  it('names config.json when it is missing, and keeps the file in the error details', async () => {
    const dir = await textFolder({ 'config.json': undefined });
    const error = await expectInferoxError(readTextModelFiles(dir), 'PACKAGE_INVALID', `${join(dir, 'config.json')}: missing (a text model folder needs it)`);
    expect(error.details).toEqual({ file: join(dir, 'config.json') });
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('says a file cannot be read when stat fails for another reason than absence, required or not', async () => {
    const dir = await textFolder();
    await symlink('tokenizer_config.json', join(dir, 'tokenizer_config.json'));
    const error = await expectInferoxError(readTextModelFiles(dir), 'PACKAGE_INVALID', `${join(dir, 'tokenizer_config.json')}: cannot be read`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ELOOP');
    const notAFolder = join(dir, 'config.json');
    await expectInferoxError(readTextModelFiles(notAFolder), 'PACKAGE_INVALID', `${join(notAFolder, 'config.json')}: cannot be read`);
  });

  it('refuses a folder where a file should be, optional files included', async () => {
    const dir = await textFolder();
    await mkdir(join(dir, 'tokenizer_config.json'));
    const error = await expectInferoxError(readTextModelFiles(dir), 'PACKAGE_INVALID', `${join(dir, 'tokenizer_config.json')}: is not a file`);
    expect(error.details).toEqual({ file: join(dir, 'tokenizer_config.json') });
  });

  it('refuses a config one byte over the size limit and reads one exactly at it', async () => {
    const json = JSON.stringify(CONFIG);
    const at = await textFolder({ 'config.json': json + ' '.repeat(MAX_TEXT_CONFIG_BYTES - json.length) });
    expect((await readTextModelFiles(at)).config).toEqual(CONFIG);
    const over = await textFolder({ 'config.json': json + ' '.repeat(MAX_TEXT_CONFIG_BYTES + 1 - json.length) });
    await expectInferoxError(readTextModelFiles(over), 'PACKAGE_INVALID', `config.json: is ${MAX_TEXT_CONFIG_BYTES + 1} bytes, over the ${MAX_TEXT_CONFIG_BYTES}-byte limit`);
  });

  it('quotes the start of the JSON parse error and keeps it as the cause', async () => {
    const dir = await textFolder({ 'tokenizer.json': `{"model": ${'x'.repeat(300)}` });
    const error = await expectInferoxError(readTextModelFiles(dir), 'PACKAGE_INVALID', 'tokenizer.json: is not valid JSON (');
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(error.message).toBe(`${join(dir, 'tokenizer.json')}: is not valid JSON (${(error.cause as Error).message.slice(0, 120)})`);
  });

  it('names the field path of a shape error, or (root) when the whole file has the wrong shape', async () => {
    const nested = await textFolder({ 'tokenizer.json': { model: { type: 5 } } });
    const error = await expectInferoxError(readTextModelFiles(nested), 'PACKAGE_INVALID', 'tokenizer.json: model.type: ');
    expect((error.cause as Error).name).toBe('ZodError');
    await expectInferoxError(readTextModelFiles(await textFolder({ 'config.json': [1, 2] })), 'PACKAGE_INVALID', 'config.json: (root): ');
  });

  it.each([
    ['config.json without model_type', { 'config.json': { max_position_embeddings: 8 } }, 'config.json: model_type'],
    ['an id2label key that is not a whole number', { 'config.json': { ...CONFIG, id2label: { '1a': 'x' } } }, 'config.json: id2label'],
    ['an id2label key with a prefix', { 'config.json': { ...CONFIG, id2label: { a1: 'x' } } }, 'config.json: id2label'],
    ['tokenizer.json without a model', { 'tokenizer.json': { added_tokens: [] } }, 'tokenizer.json: model'],
    ['a negative added token id', { 'tokenizer.json': { ...TOKENIZER, added_tokens: [{ id: -1, content: 'x' }] } }, 'tokenizer.json: added_tokens.0.id'],
    ['an unknown padding side', { 'tokenizer_config.json': { padding_side: 'middle' } }, 'tokenizer_config.json: padding_side'],
    ['a cls_token object without content', { 'tokenizer_config.json': { cls_token: { id: 1 } } }, 'tokenizer_config.json: cls_token'],
    ['a module without a type', { 'modules.json': [{ path: '' }] }, 'modules.json: 0.type'],
    ['a negative max_seq_length', { 'modules.json': [{ path: '', type: TRANSFORMER }], 'sentence_bert_config.json': { max_seq_length: -1 } }, 'sentence_bert_config.json: max_seq_length'],
    ['a prompt that is not text', { 'modules.json': [{ path: '', type: TRANSFORMER }], 'config_sentence_transformers.json': { prompts: { q: 1 } } }, 'config_sentence_transformers.json: prompts.q'],
    ['a pooling dimension of zero', { 'modules.json': [{ path: 'p', type: POOLING }], 'p/config.json': { word_embedding_dimension: 0, pooling_mode_cls_token: true } }, 'config.json: word_embedding_dimension'],
  ])('refuses %s, naming the file and the field', async (_, files, fact) => {
    await expectInferoxError(readTextModelFiles(await textFolder(files)), 'PACKAGE_INVALID', fact);
  });

  it('accepts id2label keys of several digits', async () => {
    const dir = await textFolder({ 'config.json': { ...CONFIG, id2label: { '0': 'a', '12': 'b' } } });
    expect((await readTextModelFiles(dir)).config.id2label).toEqual({ '0': 'a', '12': 'b' });
  });
});

describe('readTextModelFiles on a sentence-transformers folder', () => {
  it('reads a pipeline without pooling, normalisation or optional files as such', async () => {
    const dir = await textFolder({ 'modules.json': [{ path: '', type: TRANSFORMER }] });
    expect((await readTextModelFiles(dir)).sentenceTransformers).toStrictEqual({ modules: [TRANSFORMER], includePrompt: true, normalize: false, prompts: {} });
  });

  it('includes the prompt when the pooling config does not say, and reads the default prompt name', async () => {
    const dir = await textFolder({
      'modules.json': [{ path: 'p', type: POOLING }],
      'p/config.json': { pooling_mode_cls_token: true },
      'config_sentence_transformers.json': { prompts: { query: 'q: ' }, default_prompt_name: 'query' },
    });
    expect((await readTextModelFiles(dir)).sentenceTransformers).toStrictEqual({ modules: [POOLING], pooling: 'cls', includePrompt: true, normalize: false, prompts: { query: 'q: ' }, defaultPromptName: 'query' });
  });

  it('needs the pooling config of a Pooling module, and one pooling mode in it', async () => {
    const missing = await textFolder({ 'modules.json': [{ path: 'p', type: POOLING }] });
    await expectInferoxError(readTextModelFiles(missing), 'PACKAGE_INVALID', `${join(missing, 'p', 'config.json')}: missing (a text model folder needs it)`);
    const none = await textFolder({ 'modules.json': [{ path: 'p', type: POOLING }], 'p/config.json': { include_prompt: false } });
    await expectInferoxError(readTextModelFiles(none), 'PACKAGE_INVALID', `${join(none, 'p', 'config.json')}: no pooling mode is set`);
  });
});

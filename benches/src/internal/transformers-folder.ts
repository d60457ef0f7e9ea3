import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { pipeline as Pipeline } from '@huggingface/transformers';

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/**
 * The `tokenizer.json` of a BERT uncased WordPiece tokenizer over `vocab` (vocab.txt lines, index = id), in the
 * Hugging Face `tokenizers` format: BertNormalizer (lowercase, accents stripped), BertPreTokenizer, WordPiece model,
 * `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]` template.
 *
 * @throws Error when the vocab lacks a special token.
 */
export function bertTokenizerJson(vocab: readonly string[]): Record<string, unknown> {
  const ids = new Map(vocab.map((token, id) => [token, id]));
  const id = (token: string): number => {
    const found = ids.get(token);
    if (found === undefined) throw new Error(`vocabulary has no ${token} token`);
    return found;
  };
  const special = (token: string) => ({ id: token, ids: [id(token)], tokens: [token] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((token) => ({ id: id(token), content: token, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((token, i) => [token, i])),
    },
  };
}

/**
 * Writes a transformers.js model folder `root/name`: `config.json` (copied from the checkpoint), `tokenizer.json`,
 * `tokenizer_config.json` and `onnx/model.onnx` (a copy of `onnxPath`), for loading with `env.localModelPath = root`
 * and no network.
 */
export async function writeTransformersFolder(root: string, name: string, files: { readonly checkpointDir: string; readonly onnxPath: string; readonly vocab: readonly string[] }): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await copyFile(join(files.checkpointDir, 'config.json'), join(dir, 'config.json'));
  await copyFile(files.onnxPath, join(dir, 'onnx', 'model.onnx'));
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(bertTokenizerJson(files.vocab)));
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
      clean_up_tokenization_spaces: true,
    }),
  );
  return dir;
}

/**
 * transformers.js's `pipeline`, loading models from the folders under `root` only (no hub): every scenario that
 * compares against transformers.js sets its process-wide `env` the same way.
 */
export async function offlinePipeline(root: string): Promise<typeof Pipeline> {
  const { env, pipeline } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${root}/`;
  return pipeline;
}

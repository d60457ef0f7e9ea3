import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

/**
 * Scenario 10's model folder, `<workDir>/text-bert`: the bench BERT's `config.json` and ONNX file (`onnx/model.onnx`,
 * where transformers.js looks) with the bert-base-uncased tokenizer files of the `tiny-bert-st` fixture, and that
 * tokenizer, for making texts of a given token count.
 */
export async function textBenchFolder(workDir: string, model: { readonly dir: string; readonly onnxPath: string }): Promise<{ dir: string; tokenizer: Tokenizer }> {
  const fixture = new URL('../../../fixtures/tiny-bert-st/', import.meta.url);
  const dir = join(workDir, 'text-bert');
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await copyFile(join(model.dir, 'config.json'), join(dir, 'config.json'));
  await copyFile(model.onnxPath, join(dir, 'onnx', 'model.onnx'));
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) await copyFile(new URL(file, fixture), join(dir, file));
  const tokenizer = new Tokenizer(JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')), JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8')));
  return { dir, tokenizer };
}

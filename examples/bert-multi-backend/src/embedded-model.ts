import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type VerifiedPackage, packModel } from '@inferox/mlpkg';
import { loadBertBaseUncasedVocab } from './vocab';

/** The embedded default model: the tiny random-weight BERT checkpoint in the repository's fixtures. */
export const EMBEDDED_MODEL_DIR = resolve(import.meta.dirname, '../../../fixtures/tiny-bert-hf');

/**
 * Packs the embedded model, with the bert-base-uncased vocabulary as its tokenizer, into a verified package at
 * `outDir` (the checkpoint's weights, its torch ONNX export, and `tokenizer/vocab.txt`).
 */
export async function packEmbeddedModel(outDir: string, options: { signal?: AbortSignal } = {}): Promise<VerifiedPackage> {
  const source = await mkdtemp(join(tmpdir(), 'inferox-embedded-'));
  try {
    for (const file of ['config.json', 'model.safetensors', 'model.onnx']) await copyFile(join(EMBEDDED_MODEL_DIR, file), join(source, file));
    await writeFile(join(source, 'vocab.txt'), `${(await loadBertBaseUncasedVocab()).join('\n')}\n`);
    await writeFile(join(source, 'tokenizer_config.json'), `${JSON.stringify({ do_lower_case: true, model_max_length: 512, tokenizer_class: 'BertTokenizer' }, null, 2)}\n`);
    await mkdir(outDir, { recursive: true });
    return await packModel(source, outDir, { name: 'tiny-bert-hf', overwrite: true, ...(options.signal ? { signal: options.signal } : {}) });
  } finally {
    await rm(source, { recursive: true, force: true });
  }
}

/** Reads `tokenizer/vocab.txt` of a package as vocab lines. */
export async function readPackageVocab(packageDir: string): Promise<string[]> {
  const text = await readFile(join(packageDir, 'tokenizer', 'vocab.txt'), 'utf8');
  return text.replace(/\n$/, '').split('\n');
}

import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseSafetensors, serializeSafetensors } from '@inferox/core';
import { expectInferoxError } from '@inferox/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_BERT, removeTempDirs, tempDir } from '../test-support/temp-package';
import { buildModelInfo } from './build-model-info';
import { scanCheckpoint } from './scan-checkpoint';

const TINY_BERT_CLS = resolve(import.meta.dirname, '../../../../fixtures/tiny-bert-cls');

afterAll(removeTempDirs);

const outputsOf = (info: ReturnType<typeof buildModelInfo>, backend: string): string[] | undefined =>
  info.backends[backend]?.variants.find((v) => v.name === 'weights')?.signature?.outputs.map((o) => o.name);

describe('buildModelInfo', () => {
  it('declares pooler_output for the weights variant only when the checkpoint has a pooler', async () => {
    expect(outputsOf(buildModelInfo(await scanCheckpoint(TINY_BERT)), 'tfjs')).toEqual(['last_hidden_state', 'pooler_output']);
    const dir = join(await tempDir(), 'no-pooler');
    await mkdir(dir);
    await copyFile(join(TINY_BERT, 'config.json'), join(dir, 'config.json'));
    const { tensors } = parseSafetensors(await readFile(join(TINY_BERT, 'model.safetensors')));
    const kept = Object.fromEntries([...tensors].filter(([name]) => !name.startsWith('pooler.')).map(([name, t]) => [name, { dtype: t.dtype, shape: t.shape, bytes: t.bytes }]));
    await writeFile(join(dir, 'model.safetensors'), serializeSafetensors(kept));
    const info = buildModelInfo(await scanCheckpoint(dir));
    expect(info.supported_backends).toEqual(['onnx', 'tfjs']);
    expect(outputsOf(info, 'onnx')).toEqual(['last_hidden_state']);
    expect(outputsOf(info, 'tfjs')).toEqual(['last_hidden_state']);
  });

  it('finds the pooler under the bert. prefix of a sequence-classification checkpoint and records the limits its config gives', async () => {
    const info = buildModelInfo(await scanCheckpoint(TINY_BERT_CLS));
    expect(info.architectures).toEqual(['BertForSequenceClassification']);
    expect(outputsOf(info, 'onnx')).toEqual(['last_hidden_state', 'pooler_output']);
    const ids = info.backends.onnx!.variants.find((v) => v.name === 'weights')!.signature!.inputs[0]!;
    expect(ids).toMatchObject({ name: 'input_ids', valueRange: { min: 0, maxExclusive: 30522 } });
  });

  it('writes the inferox-mlp signature from layer_sizes', async () => {
    const dir = join(await tempDir(), 'mlp');
    await mkdir(dir);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'inferox-mlp', layer_sizes: [3, 2] }));
    const f32 = (n: number) => ({ dtype: 'float32' as const, shape: n === 2 ? [2] : [2, 3], bytes: new Uint8Array(n * 4) });
    await writeFile(join(dir, 'model.safetensors'), serializeSafetensors({ 'layers.0.weight': f32(6), 'layers.0.bias': f32(2) }));
    const variant = buildModelInfo(await scanCheckpoint(dir)).backends.tfjs!.variants[0]!;
    expect(variant.signature).toEqual({
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 3] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }],
    });
  });
});

describe('scanCheckpoint', () => {
  it('refuses a FIFO as model.safetensors or config.json at once, naming the file', async () => {
    for (const file of ['model.safetensors', 'config.json']) {
      const dir = join(await tempDir(), `fifo-${file}`);
      await mkdir(dir);
      if (file !== 'config.json') await copyFile(join(TINY_BERT, 'config.json'), join(dir, 'config.json'));
      execFileSync('mkfifo', [join(dir, file)]);
      await expectInferoxError(scanCheckpoint(dir), 'PACKAGE_INVALID', `${file}: cannot read: a FIFO, not a regular file`);
    }
  });

  it('names a source folder that is a symbolic link loop as such', async () => {
    const parent = await tempDir();
    await symlink(join(parent, 'b'), join(parent, 'a'));
    await symlink(join(parent, 'a'), join(parent, 'b'));
    await expectInferoxError(scanCheckpoint(join(parent, 'a')), 'INVALID_INPUT', 'cannot be read: a symbolic link loop');
  });
});

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectModel } from './detect-model';

const fixture = resolve(import.meta.dirname, '../../../../fixtures/tiny-bert-hf');
const tmp = mkdtempSync(join(tmpdir(), 'detect-model-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('detectModel', () => {
  it('tells each kind of model apart when given a file or a folder', async () => {
    expect(await detectModel(fixture)).toMatchObject({ kind: 'hf-checkpoint', name: 'tiny-bert-hf', backends: ['onnx', 'tfjs'] });
    expect(await detectModel(join(fixture, 'model.onnx'))).toMatchObject({ kind: 'onnx', name: 'model', backends: ['onnx'] });
    const onnxDir = join(tmp, 'onnx-only');
    mkdirSync(onnxDir);
    copyFileSync(join(fixture, 'model.onnx'), join(onnxDir, 'model.onnx'));
    expect(await detectModel(onnxDir)).toMatchObject({ kind: 'onnx', path: join(onnxDir, 'model.onnx'), name: 'onnx-only' });
    const tfjsDir = join(tmp, 'tfjs-model');
    mkdirSync(tfjsDir);
    writeFileSync(join(tfjsDir, 'model.json'), '{}');
    expect(await detectModel(tfjsDir)).toMatchObject({ kind: 'tfjs', path: tfjsDir, backends: ['tfjs'] });
    expect(await detectModel(join(tfjsDir, 'model.json'))).toMatchObject({ kind: 'tfjs', path: tfjsDir, name: 'tfjs-model' });
    const pkg = join(tmp, 'pkg');
    mkdirSync(pkg);
    writeFileSync(join(pkg, 'metadata.json'), '{}');
    expect(await detectModel(pkg)).toMatchObject({ kind: 'package', name: 'pkg' });
  });

  it('lists the backends the architecture table gives the model_type, and refuses one no backend builds', async () => {
    const mlp = join(tmp, 'mlp');
    mkdirSync(mlp);
    writeFileSync(join(mlp, 'config.json'), JSON.stringify({ model_type: 'inferox-mlp', layer_sizes: [2, 2] }));
    expect(await detectModel(mlp)).toMatchObject({ kind: 'hf-checkpoint', backends: ['onnx', 'tfjs'] });
    const gpt2 = join(tmp, 'gpt2');
    mkdirSync(gpt2);
    writeFileSync(join(gpt2, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
    await expect(detectModel(gpt2)).rejects.toMatchObject({ code: 'PACKAGE_INVALID', message: expect.stringContaining('model_type "gpt2" is built by no backend; built: bert, inferox-mlp') });
  });

  it('names the path when it is missing, a link loop or none of the known kinds', async () => {
    await expect(detectModel(join(tmp, 'nope'))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('nope" does not exist') });
    symlinkSync(join(tmp, 'loop-b'), join(tmp, 'loop-a'));
    symlinkSync(join(tmp, 'loop-a'), join(tmp, 'loop-b'));
    await expect(detectModel(join(tmp, 'loop-a'))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('a symbolic link loop') });
    const other = join(tmp, 'weights.bin');
    writeFileSync(other, 'x');
    await expect(detectModel(other)).rejects.toMatchObject({ code: 'PACKAGE_INVALID', message: expect.stringContaining('cannot tell what model') });
  });
});

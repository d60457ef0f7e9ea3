import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  it('throws INVALID_INPUT naming the path when it is missing or none of the known kinds', async () => {
    await expect(detectModel(join(tmp, 'nope'))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('nope" does not exist') });
    const other = join(tmp, 'weights.bin');
    writeFileSync(other, 'x');
    await expect(detectModel(other)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('cannot tell what model') });
  });
});

import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isInferoxError } from '@inferox/core';
import { expectInferoxError } from '@inferox/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFifo, tempDir, writeFolder } from './internal/test-files.fixture';
import { expectModelSourceKind, resolveModelSource } from './resolve-model-source';

describe('resolveModelSource errors', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    temp = await tempDir();
  });
  afterAll(() => temp.remove());

  it('says what the source should be, with the option at fault, for null and unknown formats', async () => {
    const nullSource = await expectInferoxError(resolveModelSource(null as never), 'INVALID_INPUT', 'a model source must be a path, { path } or { bytes }');
    expect(nullSource.details).toEqual({ option: 'source' });
    const format = await expectInferoxError(resolveModelSource({ path: temp.dir, format: 'gguf' }), 'INVALID_INPUT');
    expect(format.message).toBe('source.format "gguf" is not one of hf-checkpoint, onnx, tfjs-graph, tfjs-layers, package');
    expect(format.details).toEqual({ option: 'source.format' });
  });

  it('names the path it was resolving when cancelled', async () => {
    const path = join(temp.dir, 'anything');
    await expectInferoxError(resolveModelSource(path, { signal: AbortSignal.abort() }), 'CANCELLED', `resolving ${path} was cancelled by its signal`);
  });

  it('keeps the file and the cause when an entry in the folder cannot be read', async () => {
    const dir = join(temp.dir, 'looping');
    await mkdir(dir);
    await symlink('metadata.json', join(dir, 'metadata.json'));
    const error = await expectInferoxError(resolveModelSource(dir), 'PACKAGE_INVALID');
    expect(error.message).toBe(`${join(dir, 'metadata.json')}: cannot read: a symbolic link loop`);
    expect(error.details).toEqual({ file: join(dir, 'metadata.json') });
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ELOOP');
  });

  it('names the missing or odd model.onnx of a folder forced to onnx, with the file in the details', async () => {
    const empty = await writeFolder(join(temp.dir, 'no-onnx'), {});
    const missing = await expectInferoxError(resolveModelSource({ path: empty, format: 'onnx' }), 'PACKAGE_INVALID');
    expect([missing.message, missing.details]).toEqual([`${join(empty, 'model.onnx')}: cannot read: no such file`, { file: join(empty, 'model.onnx') }]);
    const folder = await writeFolder(join(temp.dir, 'onnx-folder'), { 'model.onnx/x': 'x' });
    const odd = await expectInferoxError(resolveModelSource({ path: folder, format: 'onnx' }), 'PACKAGE_INVALID');
    expect([odd.message, odd.details]).toEqual([`${join(folder, 'model.onnx')}: cannot read: a folder, not a regular file`, { file: join(folder, 'model.onnx') }]);
  });

  it('puts the folder or file it cannot tell in the details', async () => {
    const dir = await writeFolder(join(temp.dir, 'nothing'), { 'notes.txt': 'x' });
    const folder = await expectInferoxError(resolveModelSource(dir), 'PACKAGE_INVALID');
    expect(folder.message).toBe(`cannot tell what model ${JSON.stringify(dir)} is: the folder holds neither metadata.json (an Inferox package), config.json (a Hugging Face checkpoint), model.json (TF.js) nor model.onnx`);
    expect(folder.details).toEqual({ file: dir });
    const file = await expectInferoxError(resolveModelSource(join(dir, 'notes.txt')), 'PACKAGE_INVALID');
    expect(file.message).toBe(`cannot tell what model ${JSON.stringify(join(dir, 'notes.txt'))} is: expected a package, checkpoint or TF.js folder, config.json, an .onnx file or a TF.js model.json`);
    expect(file.details).toEqual({ file: join(dir, 'notes.txt') });
  });

  it('puts the path in the details when a file is given where a folder format is named', async () => {
    const dir = await writeFolder(join(temp.dir, 'a-file'), { 'weights.bin': 'abc' });
    const file = join(dir, 'weights.bin');
    const hf = await expectInferoxError(resolveModelSource({ path: file, format: 'hf-checkpoint' }), 'INVALID_INPUT');
    expect([hf.message, hf.details]).toEqual([`${file} is a file; a hf-checkpoint source is a folder with config.json (or that config.json)`, { path: file }]);
    const pkg = await expectInferoxError(resolveModelSource({ path: file, format: 'package' }), 'INVALID_INPUT');
    expect([pkg.message, pkg.details]).toEqual([`${file} is a file; a package source is a folder with metadata.json`, { path: file }]);
  });

  it('keeps the path and the cause of a stat failure on the source itself', async () => {
    await symlink('self-loop', join(temp.dir, 'self-loop'));
    const error = await expectInferoxError(resolveModelSource(join(temp.dir, 'self-loop')), 'INVALID_INPUT');
    expect(error.message).toBe(`model source ${JSON.stringify(join(temp.dir, 'self-loop'))} cannot be read: a symbolic link loop`);
    expect(error.details).toEqual({ path: join(temp.dir, 'self-loop') });
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ELOOP');
  });

  it('puts the FIFO in the details', async () => {
    const fifo = join(temp.dir, 'a-fifo');
    makeFifo(fifo);
    const error = await expectInferoxError(resolveModelSource(fifo), 'PACKAGE_INVALID');
    expect([error.message, error.details]).toEqual([`${fifo}: cannot read: a FIFO, not a regular file`, { file: fifo }]);
  });
});

describe('resolveModelSource with a format', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    temp = await tempDir();
  });
  afterAll(() => temp.remove());

  it('resolves each format on a folder to exactly that kind', async () => {
    const dir = await writeFolder(join(temp.dir, 'm'), { 'model.onnx': 'abcdef' });
    expect(await resolveModelSource({ path: dir, format: 'tfjs-layers' })).toStrictEqual({ kind: 'tfjs', modelJson: join(dir, 'model.json'), dir, name: 'm', expect: 'layers' });
    expect(await resolveModelSource({ path: dir, format: 'tfjs-graph' })).toStrictEqual({ kind: 'tfjs', modelJson: join(dir, 'model.json'), dir, name: 'm', expect: 'graph' });
    expect(await resolveModelSource({ path: dir, format: 'hf-checkpoint' })).toStrictEqual({ kind: 'hf-checkpoint', dir, name: 'm' });
    expect(await resolveModelSource({ path: dir, format: 'onnx' })).toStrictEqual({ kind: 'onnx', file: join(dir, 'model.onnx'), name: 'm', bytes: 6 });
    expect(await resolveModelSource(dir)).toStrictEqual({ kind: 'onnx', file: join(dir, 'model.onnx'), name: 'm', bytes: 6 });
  });

  it('resolves each format on a file to exactly that kind', async () => {
    const dir = await writeFolder(join(temp.dir, 'f'), { 'net.bin': 'abcd', 'config.json': {} });
    const file = join(dir, 'net.bin');
    expect(await resolveModelSource({ path: file, format: 'onnx' })).toStrictEqual({ kind: 'onnx', file, name: 'net', bytes: 4 });
    expect(await resolveModelSource({ path: file, format: 'tfjs-graph' })).toStrictEqual({ kind: 'tfjs', modelJson: file, dir, name: 'f', expect: 'graph' });
    expect(await resolveModelSource({ path: file, format: 'tfjs-layers' })).toStrictEqual({ kind: 'tfjs', modelJson: file, dir, name: 'f', expect: 'layers' });
    expect(await resolveModelSource({ path: join(dir, 'config.json'), format: 'hf-checkpoint' })).toStrictEqual({ kind: 'hf-checkpoint', dir, name: 'f' });
  });
});

describe('expectModelSourceKind details', () => {
  it('names the file of an ONNX or TF.js source and the folder of the others, with the kind', () => {
    const cases = [
      [{ kind: 'onnx', file: '/m/a.onnx', name: 'a', bytes: 1 }, '/m/a.onnx', 'an ONNX model'],
      [{ kind: 'tfjs', modelJson: '/m/model.json', dir: '/m', name: 'm' }, '/m/model.json', 'a TF.js model'],
      [{ kind: 'hf-checkpoint', dir: '/m', name: 'm' }, '/m', 'a Hugging Face checkpoint'],
    ] as const;
    for (const [resolved, where, words] of cases) {
      let thrown: unknown;
      try {
        expectModelSourceKind(resolved, ['package'], 'mlpkg');
      } catch (error) {
        thrown = error;
      }
      expect(isInferoxError(thrown) && [thrown.code, thrown.message, thrown.details]).toEqual(['INVALID_INPUT', `${where} is ${words}; mlpkg loads package sources`, { path: where, kind: resolved.kind }]);
    }
    expect(() => expectModelSourceKind(cases[2][0], ['onnx', 'tfjs'], 'x')).toThrow('/m is a Hugging Face checkpoint; x loads onnx, tfjs sources');
  });
});

import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { expectInferoxError } from '@inferox/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_BERT, makeFifo, tempDir, writeFolder } from './internal/test-files.fixture';
import { expectModelSourceKind, resolveModelSource } from './resolve-model-source';

describe('resolveModelSource', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    temp = await tempDir();
  });
  afterAll(() => temp.remove());

  it('tells a package, a checkpoint, a TF.js model and an ONNX model apart when given folders', async () => {
    expect(await resolveModelSource(TINY_BERT)).toEqual({ kind: 'hf-checkpoint', dir: TINY_BERT, name: 'tiny-bert-hf' });
    const pkg = await writeFolder(join(temp.dir, 'pkg'), { 'metadata.json': {}, 'config.json': {} });
    expect(await resolveModelSource(pkg)).toEqual({ kind: 'package', dir: pkg, name: 'pkg' });
    const tfjs = await writeFolder(join(temp.dir, 'tfjs'), { 'model.json': {}, 'model.onnx': 'x' });
    expect(await resolveModelSource(tfjs)).toEqual({ kind: 'tfjs', modelJson: join(tfjs, 'model.json'), dir: tfjs, name: 'tfjs' });
    const onnx = await writeFolder(join(temp.dir, 'onnx-only'), { 'model.onnx': 'abcd' });
    expect(await resolveModelSource(onnx)).toEqual({ kind: 'onnx', file: join(onnx, 'model.onnx'), name: 'onnx-only', bytes: 4 });
  });

  it('tells config.json, .onnx and .json files apart when given files', async () => {
    expect(await resolveModelSource(join(TINY_BERT, 'config.json'))).toEqual({ kind: 'hf-checkpoint', dir: TINY_BERT, name: 'tiny-bert-hf' });
    expect(await resolveModelSource(join(TINY_BERT, 'model.onnx'))).toMatchObject({ kind: 'onnx', file: join(TINY_BERT, 'model.onnx'), name: 'model' });
    const dir = await writeFolder(join(temp.dir, 'files'), { 'graph.json': {}, 'weights.bin': 'x' });
    expect(await resolveModelSource({ path: join(dir, 'graph.json') })).toEqual({ kind: 'tfjs', modelJson: join(dir, 'graph.json'), dir, name: 'files' });
    await expectInferoxError(resolveModelSource(join(dir, 'weights.bin')), 'PACKAGE_INVALID', 'cannot tell what model', 'weights.bin');
  });

  it('honours a format over what the folder holds', async () => {
    expect(await resolveModelSource({ path: TINY_BERT, format: 'onnx' })).toMatchObject({ kind: 'onnx', file: join(TINY_BERT, 'model.onnx') });
    expect(await resolveModelSource({ path: TINY_BERT, format: 'tfjs-graph' })).toMatchObject({ kind: 'tfjs', expect: 'graph' });
    expect(await resolveModelSource({ path: join(TINY_BERT, 'model.onnx'), format: 'tfjs-layers' })).toMatchObject({ kind: 'tfjs', expect: 'layers' });
    expect(await resolveModelSource({ path: TINY_BERT, format: 'package' })).toMatchObject({ kind: 'package' });
    expect(await resolveModelSource({ path: join(TINY_BERT, 'config.json'), format: 'hf-checkpoint' })).toMatchObject({ kind: 'hf-checkpoint', dir: TINY_BERT });
    expect(await resolveModelSource({ path: join(TINY_BERT, 'config.json'), format: 'onnx' })).toMatchObject({ kind: 'onnx', name: 'config' });
    const empty = await writeFolder(join(temp.dir, 'empty-for-format'), {});
    expect(await resolveModelSource({ path: empty, format: 'hf-checkpoint' })).toMatchObject({ kind: 'hf-checkpoint', dir: empty });
    await expectInferoxError(resolveModelSource({ path: empty, format: 'onnx' }), 'PACKAGE_INVALID', 'model.onnx: cannot read: no such file');
    await expectInferoxError(resolveModelSource({ path: join(TINY_BERT, 'model.onnx'), format: 'hf-checkpoint' }), 'INVALID_INPUT', 'model.onnx is a file; a hf-checkpoint source is a folder');
    await expectInferoxError(resolveModelSource({ path: join(TINY_BERT, 'model.onnx'), format: 'package' }), 'INVALID_INPUT', 'a package source is a folder');
  });

  it('rejects with INVALID_INPUT for a malformed source, an unknown format or a path that does not exist', async () => {
    await expectInferoxError(resolveModelSource(42 as never), 'INVALID_INPUT', 'a model source must be a path');
    await expectInferoxError(resolveModelSource(''), 'INVALID_INPUT', 'a model source must be a path');
    await expectInferoxError(resolveModelSource({ path: TINY_BERT, format: 'gguf' }), 'INVALID_INPUT', 'source.format "gguf" is not one of');
    const missing = join(temp.dir, 'nowhere');
    const error = await expectInferoxError(resolveModelSource(missing), 'INVALID_INPUT', `model source ${JSON.stringify(missing)} does not exist`);
    expect(error.details).toEqual({ path: missing });
  });

  it('names a symbolic link loop as such instead of calling the path missing', async () => {
    await symlink(join(temp.dir, 'loop-2'), join(temp.dir, 'loop-1'));
    await symlink(join(temp.dir, 'loop-1'), join(temp.dir, 'loop-2'));
    await expectInferoxError(resolveModelSource(join(temp.dir, 'loop-1')), 'INVALID_INPUT', 'loop-1', 'cannot be read: a symbolic link loop');
  });

  it('refuses a FIFO given as the model or as its model.onnx without opening it', async () => {
    const fifo = join(temp.dir, 'model-fifo.onnx');
    makeFifo(fifo);
    await expectInferoxError(resolveModelSource(fifo), 'PACKAGE_INVALID', 'a FIFO, not a regular file');
    const dir = join(temp.dir, 'fifo-onnx');
    await mkdir(dir);
    makeFifo(join(dir, 'model.onnx'));
    await expectInferoxError(resolveModelSource(dir), 'PACKAGE_INVALID', 'model.onnx: cannot read: a FIFO, not a regular file');
  });

  it('rejects with PACKAGE_INVALID naming the folder when it holds no model', async () => {
    const empty = await writeFolder(join(temp.dir, 'empty'), { 'notes.txt': 'x' });
    await expectInferoxError(resolveModelSource(empty), 'PACKAGE_INVALID', 'cannot tell what model', 'holds neither metadata.json');
  });

  it('resolves or gives a typed error for any path string, NUL bytes and all', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.constantFrom(undefined, 'onnx', 'hf-checkpoint', 'tfjs-graph', 'package', 'nope'), async (name, format) => {
        const outcome = await resolveModelSource({ path: join(temp.dir, name), ...(format ? { format } : {}) }).then(
          (resolved) => resolved.kind as string,
          (error: unknown) => (error as { code?: unknown }).code,
        );
        expect(['INVALID_INPUT', 'PACKAGE_INVALID', 'package', 'hf-checkpoint', 'onnx', 'tfjs']).toContain(outcome);
      }),
      { numRuns: 80 },
    );
  });

  it('rejects with CANCELLED when the signal is aborted', async () => {
    await expectInferoxError(resolveModelSource(TINY_BERT, { signal: AbortSignal.abort() }), 'CANCELLED');
  });

  it('treats a link to a checkpoint folder as the checkpoint', async () => {
    await symlink(TINY_BERT, join(temp.dir, 'linked'));
    expect(await resolveModelSource(join(temp.dir, 'linked'))).toMatchObject({ kind: 'hf-checkpoint', name: 'linked' });
  });
});

describe('expectModelSourceKind', () => {
  it('passes an accepted kind through and names what the source is otherwise', async () => {
    const resolved = await resolveModelSource(TINY_BERT);
    expect(expectModelSourceKind(resolved, ['hf-checkpoint', 'onnx'], 'the onnx backend')).toBe(resolved);
    expect(() => expectModelSourceKind(resolved, ['tfjs'], 'a TF.js loader')).toThrow(`${TINY_BERT} is a Hugging Face checkpoint; a TF.js loader loads tfjs sources`);
    const onnx = await resolveModelSource(join(TINY_BERT, 'model.onnx'));
    expect(() => expectModelSourceKind(onnx, ['package'], 'mlpkg')).toThrow('is an ONNX model');
    const tfjs = await resolveModelSource({ path: TINY_BERT, format: 'tfjs-graph' });
    expect(() => expectModelSourceKind(tfjs, ['onnx'], 'x')).toThrow('model.json is a TF.js model');
    const pkg = await resolveModelSource({ path: TINY_BERT, format: 'package' });
    expect(() => expectModelSourceKind(pkg, ['onnx'], 'the onnx backend')).toThrow('is an Inferox package (load it with @inferox/mlpkg)');
  });
});

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { serializeSafetensors } from '@inferox/core';
import { afterAll, describe, expect, it } from 'vitest';
import { packModel } from './pack-model';
import { verifyPackage } from './verify-package';
import { externalInitializer, onnxModel, valueInfo } from './test-support/onnx-proto';
import { TINY_BERT, removeTempDirs, tempDir, writeTinyCheckpoint } from './test-support/temp-package';
import { expectInferoxError } from '@inferox/core/testing';

afterAll(removeTempDirs);

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

describe('pack', () => {
  it('lays out tiny-bert with both onnx variants and tfjs when packing the fixture', async () => {
    const out = join(await tempDir(), 'tiny-bert.mlpkg');
    const createdAt = new Date('2026-01-02T03:04:05.000Z');
    const result = await packModel(TINY_BERT, out, {
      name: 'tiny-bert',
      version: '2.1.0',
      createdAt,
      source: { repo_id: 'acme/tiny-bert', revision: 'main', commit: 'a'.repeat(40) },
    });
    expect(result.dir).toBe(resolve(out));
    const metadata = JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8'));
    expect(metadata).toMatchObject({
      format: 'inferox-mlpkg',
      format_version: 1,
      name: 'tiny-bert',
      version: '2.1.0',
      created_at: '2026-01-02T03:04:05.000Z',
      source: { repo_id: 'acme/tiny-bert', revision: 'main', commit: 'a'.repeat(40) },
    });
    const byPath = Object.fromEntries(metadata.files.map((f: { path: string; sha256: string }) => [f.path, f.sha256]));
    expect(byPath['backends/onnx/model.onnx']).toBe(await sha256(join(TINY_BERT, 'model.onnx')));
    expect(byPath['weights/model.safetensors']).toBe(await sha256(join(TINY_BERT, 'model.safetensors')));
    expect(byPath['weights/config.json']).toBe(await sha256(join(TINY_BERT, 'config.json')));
    expect(byPath['model_info.json']).toBe(await sha256(join(out, 'model_info.json')));

    const info = result.modelInfo;
    expect(info).toMatchObject({
      model_type: 'bert',
      architecture_family: 'encoder-only',
      architectures: ['BertModel'],
      supported_backends: ['onnx', 'tfjs'],
      hidden_size: 64,
      num_layers: 2,
      vocab_size: 30522,
      tokenizer: null,
    });
    expect(info.backends.onnx!.default_variant).toBe('graph');
    expect(info.backends.onnx!.variants.map((v) => [v.name, v.format, v.path])).toEqual([
      ['graph', 'onnx', 'backends/onnx/model.onnx'],
      ['weights', 'hf-checkpoint', 'weights'],
    ]);
    expect(info.backends.tfjs!.variants.map((v) => [v.name, v.format, v.path])).toEqual([['weights', 'hf-checkpoint', 'weights']]);
    expect(info.backends.onnx!.variants[0]!.signature?.outputs[0]).toEqual({ name: 'last_hidden_state', dtype: 'float32', shape: ['batch', 'sequence', 64] });
    // 2,090,560 float32 parameters in model.safetensors.
    expect(info.memory_estimate).toEqual({ parameters: 2_090_560, weights_bytes: 8_362_240, dtype: 'F32', estimated_bytes: 10_452_800 });
    expect(await verifyPackage(out)).toMatchObject({ metadata: { name: 'tiny-bert' } });
  });

  it('refuses an existing outDir when overwrite is not set, leaving it untouched', async () => {
    const out = await tempDir();
    await writeFile(join(out, 'keep.txt'), 'mine');
    const error = await expectInferoxError(packModel(TINY_BERT, out), 'INVALID_INPUT');
    expect(error.message).toContain(`outDir ${out} already exists`);
    expect(await readdir(out)).toEqual(['keep.txt']);
  });

  it('refuses to overwrite a folder that is not a package even when overwrite is set', async () => {
    const out = await tempDir();
    await writeFile(join(out, 'keep.txt'), 'mine');
    const error = await expectInferoxError(packModel(TINY_BERT, out, { overwrite: true }), 'INVALID_INPUT');
    expect(error.message).toContain('is not an Inferox package');
  });

  it('replaces a package when overwrite is set, leaving no temp folder behind', async () => {
    const parent = await tempDir();
    const out = join(parent, 'pkg');
    await packModel(await writeTinyCheckpoint(join(parent, 'mlp')), out, { name: 'first' });
    await packModel(await writeTinyCheckpoint(join(parent, 'mlp')), out, { name: 'second', overwrite: true });
    expect((await verifyPackage(out)).metadata.name).toBe('second');
    expect((await readdir(parent)).sort()).toEqual(['mlp', 'pkg']);
  });

  it('packs an inferox-mlp checkpoint for both weight builders with family unknown', async () => {
    const parent = await tempDir();
    const { modelInfo, metadata } = await packModel(await writeTinyCheckpoint(join(parent, 'mlp')), join(parent, 'pkg'));
    expect(metadata.name).toBe('mlp');
    expect(modelInfo).toMatchObject({ model_type: 'inferox-mlp', architecture_family: 'unknown', supported_backends: ['onnx', 'tfjs'], hidden_size: 4 });
    expect(modelInfo.backends.onnx!.variants[0]).toMatchObject({ name: 'weights', signature: null });
    expect(modelInfo.memory_estimate).toMatchObject({ parameters: 16, weights_bytes: 64 });
  });

  it('leaves out backends that cannot serve an unknown model_type', async () => {
    const parent = await tempDir();
    const packed = await packModel(await writeTinyCheckpoint(join(parent, 'src'), 'my-model'), join(parent, 'pkg'));
    expect(packed.modelInfo).toMatchObject({ architecture_family: 'unknown', supported_backends: [], backends: {} });
    // The verifier reads back exactly the manifests the packer wrote.
    await expect(verifyPackage(join(parent, 'pkg'))).resolves.toEqual(packed);
  });

  it('serves only the onnx graph when the model_type is unknown but an ONNX file is present', async () => {
    const parent = await tempDir();
    const src = join(parent, 'src');
    await mkdir(join(src, 'onnx'), { recursive: true });
    await writeFile(join(src, 'config.json'), JSON.stringify({ model_type: 'gpt2', n_embd: 8, n_layer: 3 }));
    await writeFile(join(src, 'onnx', 'model.onnx'), onnxModel(externalInitializer('w', 'model.onnx_data'), valueInfo(11, 'x', 1, [4]), valueInfo(12, 'y', 1, [4])));
    await writeFile(join(src, 'onnx', 'model.onnx_data'), new Uint8Array(16));
    const packed = await packModel(src, join(parent, 'pkg'));
    const { modelInfo } = packed;
    expect(modelInfo).toMatchObject({ architecture_family: 'decoder-only', supported_backends: ['onnx'], hidden_size: 8, num_layers: 3, vocab_size: null });
    expect(modelInfo.backends.onnx!.variants[0]!.files).toEqual(['backends/onnx/model.onnx', 'backends/onnx/model.onnx_data']);
    expect(modelInfo.memory_estimate.parameters).toBeNull();
    await expect(verifyPackage(join(parent, 'pkg'))).resolves.toEqual(packed);
  });

  it('refuses an ONNX external data location that leaves the checkpoint, naming it', async () => {
    const parent = await tempDir();
    const src = join(parent, 'src');
    await mkdir(src);
    await writeFile(join(src, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
    await writeFile(join(src, 'model.onnx'), onnxModel(externalInitializer('w', '../secret.bin')));
    const error = await expectInferoxError(packModel(src, join(parent, 'pkg')), 'PACKAGE_INVALID');
    expect(error.message).toContain('model.onnx names "../secret.bin": path contains ".."');
  });

  it('refuses malformed ONNX bytes naming the file', async () => {
    const parent = await tempDir();
    const src = join(parent, 'src');
    await mkdir(src);
    await writeFile(join(src, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
    await writeFile(join(src, 'model.onnx'), Uint8Array.of(0x3a, 0x10, 1));
    const error = await expectInferoxError(packModel(src, join(parent, 'pkg')), 'PACKAGE_INVALID');
    expect(error.message).toContain('model.onnx is not a valid ONNX model');
  });

  it('packs a sharded checkpoint with its index when the weights are split', async () => {
    const parent = await tempDir();
    const src = join(parent, 'src');
    await mkdir(src);
    await writeFile(join(src, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 2 }));
    const shard = (name: string): Uint8Array => serializeSafetensors({ [name]: { dtype: 'float16', shape: [2], bytes: new Uint8Array(4) } });
    await writeFile(join(src, 'model-00001-of-00002.safetensors'), shard('a'));
    await writeFile(join(src, 'model-00002-of-00002.safetensors'), shard('b'));
    await writeFile(
      join(src, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } }),
    );
    await writeFile(join(src, 'vocab.txt'), '[PAD]\n');
    await writeFile(join(src, 'tokenizer_config.json'), '{}');
    const packed = await packModel(src, join(parent, 'pkg'));
    const { modelInfo } = packed;
    expect(modelInfo.backends.tfjs!.variants[0]!.files).toEqual([
      'weights/config.json',
      'weights/model-00001-of-00002.safetensors',
      'weights/model-00002-of-00002.safetensors',
      'weights/model.safetensors.index.json',
    ]);
    expect(modelInfo.memory_estimate).toMatchObject({ parameters: 4, weights_bytes: 8, dtype: 'F16' });
    expect(modelInfo.tokenizer).toEqual({ files: ['tokenizer/tokenizer_config.json', 'tokenizer/vocab.txt'] });
    await expect(verifyPackage(join(parent, 'pkg'))).resolves.toEqual(packed);
  });

  it('refuses a safetensors index naming a missing shard or an unsafe one, and a bad index', async () => {
    const parent = await tempDir();
    const src = join(parent, 'src');
    await mkdir(src);
    await writeFile(join(src, 'config.json'), JSON.stringify({ model_type: 'bert' }));
    await writeFile(join(src, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: 'missing.safetensors' } }));
    expect((await expectInferoxError(packModel(src, join(parent, 'pkg')), 'PACKAGE_INVALID')).message).toContain('shard "missing.safetensors": ');
    await writeFile(join(src, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: '/etc/passwd' } }));
    expect((await expectInferoxError(packModel(src, join(parent, 'pkg')), 'PACKAGE_INVALID')).message).toContain('"/etc/passwd", which is not a file inside the checkpoint folder: the path is absolute');
    await writeFile(join(src, 'model.safetensors.index.json'), JSON.stringify({ weights: [] }));
    expect((await expectInferoxError(packModel(src, join(parent, 'pkg')), 'PACKAGE_INVALID')).message).toContain('model.safetensors.index.json: weight_map must be an object');
    expect(existsSync(join(parent, 'pkg'))).toBe(false);
  });

  it('refuses a malformed safetensors header naming the file', async () => {
    const parent = await tempDir();
    const src = join(parent, 'src');
    await writeTinyCheckpoint(src);
    await writeFile(join(src, 'model.safetensors'), Uint8Array.of(0xff, 0xff, 0, 0, 0, 0, 0, 0, 1));
    const error = await expectInferoxError(packModel(src, join(parent, 'pkg')), 'PACKAGE_INVALID');
    expect(error.message).toContain('model.safetensors: invalid safetensors: header length 65535 runs past the end of the 9-byte file');
    const header = (text: string): Uint8Array => {
      const body = new TextEncoder().encode(text);
      const out = new Uint8Array(8 + body.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(body.length), true);
      out.set(body, 8);
      return out;
    };
    for (const [text, why] of [
      ['{oops', 'header is not valid UTF-8 JSON'],
      ['[1]', 'header is not a JSON object'],
      ['{"w":{"dtype":"F32"}}', 'tensor "w" has no shape array'],
      ['{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}', 'tensor "w" data_offsets [4, 0] lie outside'],
      ['{"w":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}}', 'tensor "w" has unsupported dtype "F99"'],
      ['{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 'tensor "w" data_offsets [0, 4] lie outside the 0-byte data section'],
    ] as const) {
      await writeFile(join(src, 'model.safetensors'), header(text));
      expect((await expectInferoxError(packModel(src, join(parent, 'pkg')), 'PACKAGE_INVALID')).message).toContain(why);
    }
  });

  it('packs a TF.js graph model with its shards when model.json is present', async () => {
    const parent = await tempDir();
    const src = join(parent, 'src');
    await mkdir(join(src, 'tfjs'), { recursive: true });
    await writeFile(join(src, 'config.json'), JSON.stringify({ model_type: 'vit' }));
    await writeFile(join(src, 'tfjs', 'model.json'), JSON.stringify({ format: 'graph-model', weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] }));
    await writeFile(join(src, 'tfjs', 'group1-shard1of1.bin'), new Uint8Array(32));
    const { modelInfo } = await packModel(src, join(parent, 'pkg'));
    expect(modelInfo).toMatchObject({ architecture_family: 'vision', supported_backends: ['tfjs'] });
    expect(modelInfo.backends.tfjs!.variants).toEqual([
      { name: 'graph', format: 'tfjs-graph', path: 'backends/tfjs', files: ['backends/tfjs/model.json', 'backends/tfjs/group1-shard1of1.bin'], signature: null },
    ]);
    expect(modelInfo.memory_estimate.weights_bytes).toBe(32);
    await writeFile(join(src, 'tfjs', 'model.json'), JSON.stringify({ format: 'layers-model' }));
    const layers = await packModel(src, join(parent, 'layers'));
    expect(layers.modelInfo.backends.tfjs!.variants[0]!.format).toBe('tfjs-layers');
    await writeFile(join(src, 'tfjs', 'model.json'), JSON.stringify({ weightsManifest: 'nope' }));
    expect((await expectInferoxError(packModel(src, join(parent, 'bad')), 'PACKAGE_INVALID')).message).toContain('tfjs/model.json is not a TF.js model.json');
  });

  it('names config.json when it is missing or has no model_type, and refuses a checkpoint without weights', async () => {
    const parent = await tempDir();
    const src = join(parent, 'src');
    await mkdir(src);
    expect((await expectInferoxError(packModel(src, join(parent, 'pkg')), 'PACKAGE_INVALID')).message).toContain('config.json: cannot read: no such file');
    await writeFile(join(src, 'config.json'), JSON.stringify({ hidden_size: 3 }));
    expect((await expectInferoxError(packModel(src, join(parent, 'pkg')), 'PACKAGE_INVALID')).message).toContain('config.json: field "model_type" must be a non-empty string, got nothing');
    await writeFile(join(src, 'config.json'), JSON.stringify({ model_type: 'bert' }));
    expect((await expectInferoxError(packModel(src, join(parent, 'pkg')), 'PACKAGE_INVALID')).message).toContain('has no model.safetensors');
    expect((await expectInferoxError(packModel(join(parent, 'nope'), join(parent, 'pkg')), 'INVALID_INPUT')).message).toContain('does not exist');
  });

  it('fails with PACKAGE_INVALID naming the source file and the system error code when a source file cannot be read', async () => {
    const parent = await tempDir();
    const src = await writeTinyCheckpoint(join(parent, 'src'));
    const error = await expectInferoxError(
      packModel(src, join(parent, 'pkg'), {
        // The checkpoint vanishes after it was scanned: the copy of its first file fails on the source side.
        onProgress: async (event) => {
          if (event.kind === 'temp-created') await rm(src, { recursive: true });
        },
      }),
      'PACKAGE_INVALID',
    );
    expect(error.message).toContain(src);
    expect(error.message).toContain('ENOENT');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(await readdir(parent)).toEqual([]);
  });

  it('fails with INVALID_INPUT naming outDir and the system error code when outDir cannot be created', async () => {
    const parent = await tempDir();
    const src = await writeTinyCheckpoint(join(parent, 'src'));
    await writeFile(join(parent, 'file'), 'not a folder');
    const out = join(parent, 'file', 'pkg');
    const error = await expectInferoxError(packModel(src, out), 'INVALID_INPUT');
    expect(error.message).toContain(out);
    expect(error.message).toMatch(/ENOTDIR|EEXIST/);
    expect((error.cause as NodeJS.ErrnoException).code).toMatch(/ENOTDIR|EEXIST/);
  });

  it('fails with INVALID_INPUT naming outDir and the system error code when the temp folder beside it cannot be written', async () => {
    const parent = await tempDir();
    const src = await writeTinyCheckpoint(join(parent, 'src'));
    const out = join(parent, 'pkg');
    const error = await expectInferoxError(
      packModel(src, out, {
        onProgress: async (event) => {
          if (event.kind !== 'temp-created') return;
          // Another program replaces the temp folder with a file: nothing can be written into it any more.
          await rm(event.tempDir, { recursive: true });
          await writeFile(event.tempDir, '');
        },
      }),
      'INVALID_INPUT',
    );
    expect(error.message).toContain(out);
    expect(error.message).toContain('ENOTDIR');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOTDIR');
    expect((await readdir(parent)).sort()).toEqual(['src']);
  });

  it('leaves no package and no temp folder when aborted after the first file', async () => {
    const parent = await tempDir();
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await expectInferoxError(
      packModel(TINY_BERT, join(parent, 'pkg'), {
        signal: controller.signal,
        onProgress: (event) => {
          seen.push(event.kind);
          if (event.kind === 'file-copied') controller.abort(new Error('stop'));
        },
      }),
      'CANCELLED',
    );
    expect(error.cause).toEqual(new Error('stop'));
    expect(seen).toEqual(['temp-created', 'file-copied']);
    expect(await readdir(parent)).toEqual([]);
  });

  it('leaves no package at outDir when the packing process is killed midway', async () => {
    const parent = await tempDir();
    const out = join(parent, 'pkg');
    const packageRoot = resolve(import.meta.dirname, '..');
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@inferox/source', 'src/test-support/pack-child.ts', TINY_BERT, out], {
      cwd: packageRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    let tempDirPath = '';
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith('TEMP ')) tempDirPath = line.slice(5);
      if (line.startsWith('COPIED ')) break;
    }
    expect(existsSync(tempDirPath)).toBe(true);
    expect(existsSync(out)).toBe(false);
    child.kill('SIGKILL');
    const [code, signal] = await exited;
    expect([code, signal]).toEqual([null, 'SIGKILL']);
    expect(existsSync(out)).toBe(false);
    // A later pack to the same outDir is not disturbed by the abandoned temp folder.
    const packed = await packModel(TINY_BERT, out);
    expect(packed.dir).toBe(resolve(out));
    await expect(verifyPackage(out)).resolves.toEqual(packed);
  });
});

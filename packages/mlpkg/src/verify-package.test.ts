import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InferoxError } from '@inferox/core';
import { expectInferoxError } from '@inferox/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packModel } from './pack-model';
import { copyPackage, editJson, packTinyBert, removeTempDirs, tempDir, writeTinyCheckpoint } from './test-support/temp-package';
import { verifyPackage } from './verify-package';


function problemPaths(error: InferoxError): string[] {
  return (error.details.problems as { path: string }[]).map((p) => p.path);
}

let pkg: string;
/** A small package (bert config, tiny weights) for the tests that copy it many times. */
let small: string;

beforeAll(async () => {
  pkg = await packTinyBert();
  const parent = await tempDir();
  small = join(parent, 'small.mlpkg');
  await packModel(await writeTinyCheckpoint(join(parent, 'src'), 'bert'), small, { name: 'small' });
});
afterAll(removeTempDirs);

describe('verify', () => {
  it('returns the manifests when every file matches', async () => {
    const result = await verifyPackage(pkg);
    expect(result.metadata.name).toBe('tiny-bert');
    expect(result.metadata.files.map((f) => f.path)).toEqual([
      'backends/onnx/model.onnx',
      'model_info.json',
      'weights/config.json',
      'weights/model.safetensors',
    ]);
    expect(result.modelInfo.supported_backends).toEqual(['onnx', 'tfjs']);
  });

  it('names the file when one byte of any listed file is flipped', async () => {
    const { metadata } = await verifyPackage(pkg);
    for (const { path, size } of metadata.files) {
      const copy = await copyPackage(pkg);
      const file = join(copy, ...path.split('/'));
      const bytes = await readFile(file);
      const at = path.endsWith('.json') ? bytes.indexOf('"') + 1 : Math.floor(size / 2);
      bytes[at] = bytes[at]! ^ 0x01;
      await writeFile(file, bytes);
      const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
      expect(error.message).toContain(path);
      expect(problemPaths(error)).toContain(path);
    }
  });

  it('names metadata.json when a byte flip breaks its JSON', async () => {
    const copy = await copyPackage(pkg);
    const file = join(copy, 'metadata.json');
    const bytes = await readFile(file);
    bytes[0] = 0x5b; // '{' → '['
    await writeFile(file, bytes);
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('metadata.json');
  });

  it('names the file when a listed file is removed', async () => {
    const copy = await copyPackage(small);
    await rm(join(copy, 'weights', 'config.json'));
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('weights/config.json: is missing');
  });

  it('names the file when an unlisted file is added', async () => {
    const copy = await copyPackage(small);
    await mkdir(join(copy, 'tokenizer'));
    await writeFile(join(copy, 'tokenizer', 'vocab.txt'), 'hello\n');
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('tokenizer/vocab.txt: is not listed in metadata.json');
  });

  it('names the file when its size differs', async () => {
    const copy = await copyPackage(small);
    const { metadata } = await verifyPackage(copy);
    const size = metadata.files.find((f) => f.path === 'weights/config.json')!.size;
    await appendFile(join(copy, 'weights', 'config.json'), ' ');
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain(`weights/config.json: has ${size + 1} bytes, metadata.json says ${size}`);
  });

  it('refuses a manifest path with ".." naming the path', async () => {
    const copy = await copyPackage(small);
    await editJson(copy, 'metadata.json', (m) => {
      m.files[2].path = 'weights/../../outside.json';
    });
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('weights/../../outside.json: path contains ".."');
  });

  it('refuses an absolute manifest path naming the path', async () => {
    const copy = await copyPackage(small);
    await editJson(copy, 'metadata.json', (m) => {
      m.files[2].path = '/etc/passwd';
    });
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('/etc/passwd: path is absolute');
  });

  it('refuses a model_info variant path with ".." naming the path', async () => {
    const copy = await copyPackage(small);
    await editJson(copy, 'model_info.json', (info) => {
      info.backends.onnx.variants[0].path = '../weights';
    });
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('../weights: path contains ".."');
  });

  it('refuses a listed file replaced by a symlink leaving the package, naming it', async () => {
    const copy = await copyPackage(small);
    const outside = join(await tempDir(), 'config.json');
    await writeFile(outside, await readFile(join(copy, 'weights', 'config.json')));
    await rm(join(copy, 'weights', 'config.json'));
    await symlink(outside, join(copy, 'weights', 'config.json'));
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toMatch(/weights\/config\.json: (is a symbolic link leaving|resolves outside) the package/);
  });

  it('refuses an unlisted symlink leaving the package, a dangling one and one to a folder', async () => {
    const copy = await copyPackage(small);
    await symlink('/etc', join(copy, 'etc'));
    await symlink(join(copy, 'nowhere'), join(copy, 'dangling'));
    await symlink(join(copy, 'weights'), join(copy, 'weights-alias'));
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('etc: is a symbolic link leaving the package');
    expect(error.message).toContain('dangling: is a dangling symbolic link');
    expect(error.message).toContain('weights-alias: is a symbolic link to something other than a regular file');
  });

  it('accepts a listed symlink when it points to a file inside the package', async () => {
    const copy = await copyPackage(small);
    const { metadata } = await verifyPackage(copy);
    await symlink(join(copy, 'weights', 'config.json'), join(copy, 'config-alias.json'));
    const config = metadata.files.find((f) => f.path === 'weights/config.json')!;
    await editJson(copy, 'metadata.json', (m) => {
      m.files.push({ ...config, path: 'config-alias.json' });
    });
    const verified = await verifyPackage(copy);
    expect(verified.dir).toBe(await realpath(copy));
    expect(verified.metadata.files).toEqual([...metadata.files, { ...config, path: 'config-alias.json' }]);
    expect(verified.modelInfo).toEqual((await verifyPackage(small)).modelInfo);
  });

  it('refuses a fifo when one sits in the package', async () => {
    const copy = await copyPackage(small);
    execFileSync('mkfifo', [join(copy, 'pipe')]);
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('pipe: is neither a regular file nor a folder');
  });

  it('says which format version is needed when the package is newer', async () => {
    const copy = await copyPackage(small);
    await editJson(copy, 'metadata.json', (m) => {
      m.format_version = 2;
      m.files = 'a new layout';
    });
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('format version 2');
    expect(error.message).toContain('understands format version 2 (this one reads up to 1)');
    expect(error.details).toMatchObject({ formatVersion: 2, supported: 1 });
  });

  it('refuses metadata.json when it is over the JSON size limit', async () => {
    const copy = await copyPackage(small);
    await writeFile(join(copy, 'metadata.json'), `{${' '.repeat(16 * 1024 * 1024)}}`);
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toMatch(/metadata\.json: is 16777218 bytes, over the 16777216-byte JSON limit/);
  });

  it('names the field when metadata.json breaks the schema', async () => {
    const copy = await copyPackage(small);
    await editJson(copy, 'metadata.json', (m) => {
      m.files[1].sha256 = 'XYZ';
      delete m.created_at;
    });
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('metadata.json: files[1].sha256: sha256 must be 64 lower-case hex digits');
    expect(error.message).toContain('metadata.json: created_at');
  });

  it('refuses duplicates, a self-listing and a file listed as a folder when metadata.json has them', async () => {
    const copy = await copyPackage(small);
    await editJson(copy, 'metadata.json', (m) => {
      const [first] = m.files;
      m.files.push({ ...first }, { ...first, path: 'metadata.json' }, { ...first, path: 'weights/config.json/inner' });
    });
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('model_info.json: is listed twice');
    expect(error.message).toContain('metadata.json: metadata.json must not list itself');
    expect(error.message).toContain('weights/config.json: is listed as a file but weights/config.json/inner is listed inside it');
  });

  it('refuses a package whose metadata does not list model_info.json', async () => {
    const copy = await copyPackage(small);
    await editJson(copy, 'metadata.json', (m) => {
      m.files = m.files.filter((f: { path: string }) => f.path !== 'model_info.json');
    });
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('model_info.json: is not listed in metadata.json files');
  });

  it('names each inconsistency when model_info.json contradicts itself', async () => {
    const copy = await copyPackage(pkg);
    await editJson(copy, 'model_info.json', (info) => {
      info.supported_backends = ['onnx', 'webgpu'];
      info.backends.onnx.default_variant = 'fast';
      info.backends.onnx.variants[1].name = 'graph';
      info.backends.onnx.variants[0].files.push('weights/config.json', 'backends/onnx/missing.onnx_data');
      info.tokenizer = { files: ['tokenizer/vocab.txt'] };
    });
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    for (const fact of [
      'supported backend webgpu has no entry in backends',
      'backends.tfjs is not in supported_backends',
      'backends.onnx.default_variant fast is not one of its variants',
      'backends.onnx has two variants with one name',
      'weights/config.json: is not inside backends/onnx (in model_info.json backends.onnx variant graph)',
      'backends/onnx/missing.onnx_data: is named in model_info.json backends.onnx variant graph but not listed',
      'tokenizer/vocab.txt: is named in model_info.json tokenizer but not listed',
    ]) {
      expect(error.message).toContain(fact);
    }
  });

  it('refuses a folder that does not exist or is a file', async () => {
    const missing = join(await tempDir(), 'nope');
    expect((await expectInferoxError(verifyPackage(missing), 'PACKAGE_INVALID')).message).toContain(`package folder ${missing} does not exist`);
    const file = join(pkg, 'model_info.json');
    expect((await expectInferoxError(verifyPackage(file), 'PACKAGE_INVALID')).message).toContain('is not a folder');
  });

  it('names metadata.json when it is missing', async () => {
    const copy = await copyPackage(small);
    await rm(join(copy, 'metadata.json'));
    const error = await expectInferoxError(verifyPackage(copy), 'PACKAGE_INVALID');
    expect(error.message).toContain('metadata.json: is missing');
  });

  it('rejects with CANCELLED when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const error = await expectInferoxError(verifyPackage(pkg, { signal: controller.signal }), 'CANCELLED');
    expect(error.cause).toEqual(new Error('stop'));
  });
});

import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectInferoxError } from '@inferox/core/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { packModel } from './pack-model';
import { removeTempDirs, tempDir, writeTinyCheckpoint } from './test-support/temp-package';
import { verifyPackage } from './verify-package';

afterAll(removeTempDirs);

describe('packModel overwrite', () => {
  it('refuses to replace a folder that holds a metadata.json but is no Inferox package, deleting nothing', async () => {
    const parent = await tempDir();
    const out = join(parent, 'mine');
    await mkdir(join(out, 'photos'), { recursive: true });
    await writeFile(join(out, 'metadata.json'), '{"title":"my holiday"}');
    await writeFile(join(out, 'photos', 'a.jpg'), 'jpeg');
    const error = await expectInferoxError(
      packModel(await writeTinyCheckpoint(join(parent, 'src')), out, { overwrite: true }),
      'INVALID_INPUT',
      'is not an Inferox package',
    );
    expect(error.message).toContain('metadata.json');
    expect((await readdir(out)).sort()).toEqual(['metadata.json', 'photos']);
    expect(await readFile(join(out, 'photos', 'a.jpg'), 'utf8')).toBe('jpeg');
  });

  it('refuses to replace a package folder that also holds files the package does not list', async () => {
    const parent = await tempDir();
    const out = join(parent, 'pkg');
    const source = await writeTinyCheckpoint(join(parent, 'src'));
    await packModel(source, out);
    await writeFile(join(out, 'notes.txt'), 'my notes');
    await expectInferoxError(packModel(source, out, { overwrite: true }), 'INVALID_INPUT', 'notes.txt');
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('my notes');
  });

  it('still replaces a package (and an empty folder) when overwrite is set', async () => {
    const parent = await tempDir();
    const source = await writeTinyCheckpoint(join(parent, 'src'));
    const out = join(parent, 'pkg');
    await packModel(source, out, { name: 'first' });
    await packModel(source, out, { name: 'second', overwrite: true });
    expect((await verifyPackage(out)).metadata.name).toBe('second');
    const empty = join(parent, 'empty');
    await mkdir(empty);
    await packModel(source, empty, { overwrite: true });
    expect((await verifyPackage(empty)).metadata.name).toBe('src');
  });
});

describe('packModel overwrite (fuzz)', () => {
  it('never replaces a folder holding a file the manifest does not list, whatever its metadata.json says', async () => {
    const parent = await tempDir();
    const source = await writeTinyCheckpoint(join(parent, 'src'));
    const out = join(parent, 'out');
    await mkdir(out);
    await writeFile(join(out, 'keep.txt'), 'mine');
    const valid = { format: 'inferox-mlpkg', format_version: 1, name: 'x', version: '1.0.0', source: { repo_id: null, revision: null, commit: null }, created_at: '2026-01-01T00:00:00.000Z', files: [] as unknown[] };
    const manifest = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
      fc.string({ maxLength: 40 }),
      fc.array(fc.record({ path: fc.constantFrom('keep.txt', 'weights/a', '../keep.txt', 'x'), size: fc.nat(), sha256: fc.constant('0'.repeat(64)) }), { maxLength: 3 }).map((files) => JSON.stringify({ ...valid, files: files.filter((f) => f.path !== 'keep.txt') })),
    );
    await fc.assert(
      fc.asyncProperty(manifest, async (text) => {
        await writeFile(join(out, 'metadata.json'), text);
        await expectInferoxError(packModel(source, out, { overwrite: true }), 'INVALID_INPUT');
        expect(await readFile(join(out, 'keep.txt'), 'utf8')).toBe('mine');
      }),
      { numRuns: 40 },
    );
  });
});

describe('packModel symlinks', () => {
  it('refuses a vocab.txt linked to a file outside the source folder, naming the link', async () => {
    const parent = await tempDir();
    const secret = join(parent, 'private.txt');
    await writeFile(secret, 'TOPSECRET-TOKEN');
    const source = await writeTinyCheckpoint(join(parent, 'src'));
    await symlink(secret, join(source, 'vocab.txt'));
    const out = join(parent, 'pkg');
    const error = await expectInferoxError(packModel(source, out), 'PACKAGE_INVALID', 'vocab.txt', 'outside the source folder');
    expect(error.message).toContain('externalLinks');
    await expect(readdir(out)).rejects.toThrow();
  });

  it('never quotes the content of a config.json linked outside the source', async () => {
    const parent = await tempDir();
    const secret = join(parent, 'passwd');
    await writeFile(secret, 'root:x:0:0:TOPSECRET:/root:/bin/bash\n');
    const source = await writeTinyCheckpoint(join(parent, 'src'));
    await writeFile(join(source, 'config.json.real'), '{}');
    await import('node:fs/promises').then((fs) => fs.rm(join(source, 'config.json')));
    await symlink(secret, join(source, 'config.json'));
    const error = await expectInferoxError(packModel(source, join(parent, 'pkg')), 'PACKAGE_INVALID', 'config.json');
    expect(error.message).not.toContain('TOPSECRET');
    expect(JSON.stringify(error.details)).not.toContain('TOPSECRET');
  });

  it('copies a link that leaves the source only with externalLinks: "follow"', async () => {
    const parent = await tempDir();
    await writeFile(join(parent, 'shared-vocab.txt'), '[PAD]\n[UNK]\n');
    const source = await writeTinyCheckpoint(join(parent, 'src'));
    await symlink(join(parent, 'shared-vocab.txt'), join(source, 'vocab.txt'));
    const out = join(parent, 'pkg');
    await packModel(source, out, { externalLinks: 'follow' });
    const listed = (await verifyPackage(out)).metadata.files.map((f) => f.path);
    expect(listed.some((p) => p.endsWith('vocab.txt'))).toBe(true);
  });

  it('accepts a link that stays inside the source folder', async () => {
    const parent = await tempDir();
    const source = await writeTinyCheckpoint(join(parent, 'src'));
    await mkdir(join(source, 'tok'));
    await writeFile(join(source, 'tok', 'vocab.txt'), '[PAD]\n');
    await symlink(join('tok', 'vocab.txt'), join(source, 'vocab.txt'));
    await packModel(source, join(parent, 'pkg'));
    expect((await verifyPackage(join(parent, 'pkg'))).metadata.files.some((f) => f.path.endsWith('vocab.txt'))).toBe(true);
  });

  it('refuses a dangling link, naming it', async () => {
    const parent = await tempDir();
    const source = await writeTinyCheckpoint(join(parent, 'src'));
    await symlink(join(parent, 'nowhere'), join(source, 'vocab.txt'));
    await expectInferoxError(packModel(source, join(parent, 'pkg')), 'PACKAGE_INVALID', 'vocab.txt');
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectInferoxError } from '@inferox/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputPath, writeChunks } from './write-output';

const tmp = mkdtempSync(join(tmpdir(), 'inferox-write-output-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('checkOutputPath', () => {
  it('accepts a new file in a folder and an existing file', async () => {
    await expect(checkOutputPath(join(tmp, 'new.json'))).resolves.toBeUndefined();
    writeFileSync(join(tmp, 'old.json'), 'x');
    await expect(checkOutputPath(join(tmp, 'old.json'))).resolves.toBeUndefined();
  });

  it('names the flag and the reason for a folder, a path under a file and a missing folder', async () => {
    mkdirSync(join(tmp, 'dir'));
    writeFileSync(join(tmp, 'file'), 'x');
    await expectInferoxError(checkOutputPath(join(tmp, 'dir'), '--out'), 'INVALID_INPUT', '--out', 'is a folder');
    await expectInferoxError(checkOutputPath(join(tmp, 'file', 'a.json')), 'INVALID_INPUT', 'under a file');
    await expectInferoxError(checkOutputPath(join(tmp, 'file', 'deeper', 'a.json')), 'INVALID_INPUT', 'under a file');
    await expectInferoxError(checkOutputPath(join(tmp, 'missing', 'a.json')), 'INVALID_INPUT', 'folder does not exist');
    const long = join(tmp, 'missing', 'x'.repeat(250));
    const error = await expectInferoxError(checkOutputPath(long), 'INVALID_INPUT');
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('writeChunks', () => {
  it('writes every chunk in order, text and bytes', async () => {
    const path = join(tmp, 'chunks.txt');
    const many = Array.from({ length: 2000 }, (_, i) => `${i},`.repeat(50));
    await writeChunks(path, [...many, new TextEncoder().encode('end')]);
    expect(readFileSync(path, 'utf8')).toBe(`${many.join('')}end`);
  });

  it('gives INVALID_INPUT naming the path when the file cannot be written', async () => {
    await expectInferoxError(writeChunks(join(tmp, 'nowhere', 'a.json'), ['x']), 'INVALID_INPUT', 'cannot write --output', 'nowhere');
    mkdirSync(join(tmp, 'a-dir'));
    await expectInferoxError(writeChunks(join(tmp, 'a-dir'), ['x'], '--to'), 'INVALID_INPUT', '--to');
  });
});

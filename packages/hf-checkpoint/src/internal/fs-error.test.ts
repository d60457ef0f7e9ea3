import type { Stats } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entryKind, fsReason, isMissing } from './fs-error';

const KINDS = ['isFile', 'isDirectory', 'isFIFO', 'isSocket', 'isCharacterDevice', 'isBlockDevice'] as const;
/** A Stats whose only true kind test is `kind` (none when undefined). */
const statsOf = (kind?: (typeof KINDS)[number]): Stats => Object.fromEntries(KINDS.map((k) => [k, () => k === kind])) as unknown as Stats;
const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: raw message`), { code });

describe('entryKind', () => {
  it('names each kind of file system entry', () => {
    expect(KINDS.map((k) => entryKind(statsOf(k)))).toEqual(['a regular file', 'a folder', 'a FIFO', 'a socket', 'a character device', 'a block device']);
    expect(entryKind(statsOf())).toBe('not a regular file');
  });
});

describe('fsReason', () => {
  it('words the codes a path can fail with', () => {
    expect(['ENOENT', 'ENOTDIR', 'ELOOP', 'EACCES', 'EPERM', 'ENAMETOOLONG'].map((code) => fsReason(errno(code)))).toEqual([
      'no such file',
      'no such file',
      'a symbolic link loop',
      'permission denied',
      'permission denied',
      'the path is too long',
    ]);
  });

  it('falls back to the message of another error, or the value itself when there is none', () => {
    expect(fsReason(errno('EIO'))).toBe('EIO: raw message');
    expect(fsReason(null)).toBe('null');
    expect(fsReason({ code: 'EIO' })).toBe('[object Object]');
  });
});

describe('isMissing', () => {
  it('holds for ENOENT and ENOTDIR only', () => {
    expect([errno('ENOENT'), errno('ENOTDIR'), errno('ELOOP'), errno('EACCES'), null, 'ENOENT'].map(isMissing)).toEqual([true, true, false, false, false, false]);
  });
});

import { MAX_SHARD_NAME_LENGTH } from '../constants';

/**
 * Checks a shard file name from `model.safetensors.index.json`: relative, `/`-separated, no empty, `.` or `..`
 * segment, no backslash, colon or control character, so that it always names a file inside the checkpoint folder
 * (the file itself may be a link, as hub cache snapshots are).
 *
 * @returns why the name is refused, or `undefined` when it is allowed.
 */
export function shardNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.length > MAX_SHARD_NAME_LENGTH) return `the name is longer than ${MAX_SHARD_NAME_LENGTH} characters`;
  if (name.startsWith('/')) return 'the path is absolute';
  if (name.includes('\\')) return 'the path contains a backslash';
  if (name.includes(':')) return 'the path contains a colon (drive letter or stream)';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'the path contains a control character';
  for (const segment of name.split('/')) {
    if (segment === '') return 'the path has an empty segment';
    if (segment === '..') return 'the path contains ".."';
    if (segment === '.') return 'the path contains a "." segment';
  }
  return undefined;
}

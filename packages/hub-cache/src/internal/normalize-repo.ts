import { InferoxError } from '@inferox/core';
import type { RepoRef, RepoType } from '../repo-ref';

/** A validated repository id. */
export interface RepoId {
  readonly type: RepoType;
  readonly name: string;
}

const NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)?$/;
const PREFIXES: Readonly<Record<string, RepoType>> = { models: 'model', datasets: 'dataset', spaces: 'space' };

/**
 * Validates a repo reference: `org/name` or `name` of `[A-Za-z0-9_.-]`, no `..`, no `--` (the cache's separator),
 * nothing that could leave the cache folder.
 *
 * @throws InferoxError `INVALID_INPUT` naming the bad id.
 */
export function normalizeRepo(repo: RepoRef): RepoId {
  let type: RepoType = 'model';
  let name: string;
  if (typeof repo === 'string') {
    name = repo;
    const [first, ...rest] = repo.split('/');
    const prefixed = first === undefined ? undefined : PREFIXES[first];
    if (prefixed && rest.length > 0) [type, name] = [prefixed, rest.join('/')];
  } else {
    name = repo.name;
    type = repo.type ?? 'model';
    if (!Object.values(PREFIXES).includes(type)) {
      throw new InferoxError('INVALID_INPUT', `repo type ${JSON.stringify(type)} is not one of model, dataset, space`, { details: { repo } });
    }
  }
  if (!NAME.test(name) || name.includes('..') || name.includes('--') || name.split('/').some((part) => part.startsWith('.'))) {
    throw new InferoxError('INVALID_INPUT', `repo id ${JSON.stringify(name)} is not a valid hub repo id ('org/name' of letters, digits, '_', '.', '-'; no '..' or '--')`, {
      details: { repo: name },
    });
  }
  return { type, name };
}

/** `org/name` for models, `datasets/org/name` for the others: how messages name a repo. */
export function repoLabel(repo: RepoId): string {
  return repo.type === 'model' ? repo.name : `${repo.type}s/${repo.name}`;
}

/** The URL path prefix of a repo's resolve endpoint: `''`, `'datasets/'` or `'spaces/'`. */
export function resolvePrefix(repo: RepoId): string {
  return repo.type === 'model' ? '' : `${repo.type}s/`;
}

/** The kinds of hub repository. */
export type RepoType = 'model' | 'dataset' | 'space';

/**
 * A hub repository: `'org/name'` (a model), `'datasets/org/name'` / `'spaces/org/name'`, or `{ type, name }`.
 */
export type RepoRef = string | { readonly type?: RepoType; readonly name: string };

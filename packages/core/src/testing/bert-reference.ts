import { expect } from 'vitest';
import { Tensor, type TensorMap } from '../tensor';
import { maxAbsDiff } from './max-abs-diff';

/**
 * A BERT fixture's `reference.json` (the repository's `fixtures/tiny-bert-hf`): int ids, one row per sequence, and
 * the eager PyTorch outputs for them.
 */
export interface BertReference {
  readonly inputs: Readonly<Record<'input_ids' | 'attention_mask' | 'token_type_ids', readonly (readonly number[])[]>>;
  readonly last_hidden_state: readonly (readonly (readonly number[])[])[];
  readonly pooler_output: readonly (readonly number[])[];
}

/** The outputs {@link expectBertReference} compares. */
export type BertReferenceOutput = 'last_hidden_state' | 'pooler_output';

/** Options of {@link expectBertReference}. */
export interface BertReferenceCheck {
  /** The reference rows `[from, to)` the outputs were computed for. @defaultValue every row */
  readonly rows?: readonly [number, number];
  /** The outputs to compare; each must be present. @defaultValue both */
  readonly outputs?: readonly BertReferenceOutput[];
  /** Max absolute difference allowed. @defaultValue 1e-4 */
  readonly tolerance?: number;
}

const allRows = (reference: BertReference): [number, number] => [0, reference.inputs.input_ids.length];

/**
 * Rows `[from, to)` of the reference inputs as int64 feeds of shape [rows, sequence] (a new map each call).
 *
 * @example
 * ```ts
 * const out = await handle.run(bertReferenceFeeds(reference));
 * ```
 */
export function bertReferenceFeeds(reference: BertReference, rows: readonly [number, number] = allRows(reference)): TensorMap {
  const feeds: Record<string, Tensor> = {};
  for (const [name, all] of Object.entries(reference.inputs)) {
    const part = all.slice(rows[0], rows[1]);
    feeds[name] = Tensor.from('int64', part.flat().map(BigInt), [part.length, part[0]?.length ?? 0]);
  }
  return feeds;
}

/**
 * Asserts with vitest `expect` that a BERT's outputs reproduce the reference: `last_hidden_state` and
 * `pooler_output` (or those named) are present, have the reference's shape for the rows, and are within `tolerance`
 * of its values. Outputs are anything with a `shape` and numeric `data`: Tensors, or the tensors of a v2 response.
 *
 * @throws an assertion error naming the output and the largest difference.
 * @example
 * ```ts
 * expectBertReference(await handle.run(bertReferenceFeeds(reference)), reference);
 * ```
 */
export function expectBertReference(
  outputs: Readonly<Record<string, { readonly shape: readonly number[]; readonly data: unknown } | undefined>>,
  reference: BertReference,
  options: BertReferenceCheck = {},
): void {
  const [from, to] = options.rows ?? allRows(reference);
  const tolerance = options.tolerance ?? 1e-4;
  const expected: Record<BertReferenceOutput, { shape: number[]; values: number[] }> = {
    last_hidden_state: {
      shape: [to - from, reference.last_hidden_state[from]?.length ?? 0, reference.last_hidden_state[from]?.[0]?.length ?? 0],
      values: reference.last_hidden_state.slice(from, to).flat(2),
    },
    pooler_output: { shape: [to - from, reference.pooler_output[from]?.length ?? 0], values: reference.pooler_output.slice(from, to).flat() },
  };
  for (const name of options.outputs ?? (['last_hidden_state', 'pooler_output'] as const)) {
    const got = outputs[name];
    expect(got, `output ${name}`).toBeDefined();
    expect([...got!.shape], `shape of ${name}`).toEqual(expected[name].shape);
    const data = got!.data as ArrayLike<unknown>;
    expect(typeof data[0], `${name} holds numbers`).toBe('number');
    expect(maxAbsDiff(data as ArrayLike<number>, expected[name].values), `max abs diff of ${name} from reference rows ${from}..${to}`).toBeLessThanOrEqual(tolerance);
  }
}

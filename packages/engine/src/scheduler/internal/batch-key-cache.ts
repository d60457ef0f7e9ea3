import type { DType, TensorMap } from '@inferox/core';
import { batchKey } from './batch-key';
import type { PaddingSpec } from './padding-spec';

/** Distinct keys kept for interning before the table starts over (it is only a speed-up: equal keys stay `===`). */
const MAX_INTERNED = 256;

/**
 * The batch keys of one batching scheduler ({@link batchKey} with its padding), computed once per feeds structure.
 *
 * A batching scheduler keys every request and compares the keys at every dispatch. Requests mostly arrive with the
 * structure of the one before (same input names in the same order, dtypes and shapes): that request's key is reused
 * after a check that allocates nothing. Other keys are interned, so equal keys are one flat string: comparing two
 * keys built by concatenation would flatten them first (about a microsecond each on the tiny BERT's three inputs).
 */
export class BatchKeyCache {
  readonly #padding: PaddingSpec | undefined;
  readonly #interned = new Map<string, string>();
  /** The last keyed structure: input names in the feeds' order, their dtypes and their (frozen) shapes. */
  #names: readonly string[] = [];
  #dtypes: DType[] = [];
  #shapes: (readonly number[])[] = [];
  #key: string | undefined;

  constructor(padding: PaddingSpec | undefined) {
    this.#padding = padding;
  }

  /** The batch key of `feeds` (undefined when they cannot be batched). */
  of(feeds: TensorMap): string | undefined {
    const names = Object.keys(feeds);
    if (names.length > 0 && this.#isLast(feeds, names)) return this.#key;
    const computed = batchKey(feeds, this.#padding);
    let key = computed;
    if (computed !== undefined) {
      key = this.#interned.get(computed);
      if (key === undefined) {
        if (this.#interned.size >= MAX_INTERNED) this.#interned.clear();
        this.#interned.set(computed, computed);
        key = computed;
      }
    }
    this.#names = names;
    this.#dtypes = names.map((n) => feeds[n]!.dtype);
    this.#shapes = names.map((n) => feeds[n]!.shape);
    this.#key = key;
    return key;
  }

  /** Whether `feeds` has the last keyed structure: the same names in the same order, dtypes and dims. */
  #isLast(feeds: TensorMap, names: readonly string[]): boolean {
    const last = this.#names;
    if (names.length !== last.length) return false;
    for (let i = 0; i < names.length; i++) {
      if (names[i] !== last[i]) return false;
      const { dtype, shape } = feeds[names[i]!]!;
      if (dtype !== this.#dtypes[i]) return false;
      const before = this.#shapes[i]!;
      if (shape === before) continue;
      if (shape.length !== before.length) return false;
      for (let d = 0; d < shape.length; d++) if (shape[d] !== before[d]) return false;
    }
    return true;
  }
}

/** What an architecture asks of a checkpoint's tensors before reading any: whether one exists. */
export interface TensorLookup {
  /** Whether the checkpoint holds `name` (under its task-head prefix, see {@link tensorPrefix}). */
  has(name: string): boolean;
}

/**
 * The prefix a task-head checkpoint nests the base model under (`bert.` in `BertForSequenceClassification`,
 * `roberta.`, `model.`, ...), found from one tensor every checkpoint of the architecture has (`anchor`): empty when
 * `anchor` itself is present, else the shortest `<prefix>.` such that `<prefix>.<anchor>` is present, else empty.
 */
export function tensorPrefix(names: Iterable<string>, anchor: string): string {
  let best: string | undefined;
  for (const name of names) {
    if (name === anchor) return '';
    if (name.endsWith(`.${anchor}`)) {
      const prefix = name.slice(0, name.length - anchor.length);
      if (best === undefined || prefix.length < best.length) best = prefix;
    }
  }
  return best ?? '';
}

/** A {@link TensorLookup} over a set of names and a prefix. */
export function tensorLookup(names: ReadonlySet<string> | ReadonlyMap<string, unknown>, prefix: string): TensorLookup {
  return { has: (name) => names.has(prefix + name) };
}

import type { TensorMap } from '@inferox/core';
import type { PaddingSpec } from './padding-spec';

/** Whether `names` is already in `Array.prototype.sort`'s order (feeds built the same way usually are, or nearly). */
function isSorted(names: readonly string[]): boolean {
  for (let i = 1; i < names.length; i++) if (names[i - 1]! > names[i]!) return false;
  return true;
}

/**
 * A string equal for two requests exactly when their feeds can share a batch: same input names, dtypes, ranks and
 * dims beyond dim 0 (dim 1 of padded inputs of rank ≥ 2 excepted). Undefined when the feeds cannot be batched at all
 * (no inputs, a scalar input, or inputs disagreeing on dim 0).
 *
 * Computed for every queued request of a batching scheduler, so it is built by concatenation, without the arrays a
 * map/join would allocate per input.
 */
export function batchKey(feeds: TensorMap, padding: PaddingSpec | undefined): string | undefined {
  const names = Object.keys(feeds);
  if (!isSorted(names)) names.sort();
  let rows: number | undefined;
  let key = '';
  for (let n = 0; n < names.length; n++) {
    const name = names[n]!;
    const { shape, dtype } = feeds[name]!;
    const dim0 = shape[0];
    if (dim0 === undefined) return undefined;
    if (rows === undefined) rows = dim0;
    else if (dim0 !== rows) return undefined;
    const padded = shape.length > 1 && padding !== undefined && padding.inputs.includes(name);
    key += `${n > 0 ? ';' : ''}${JSON.stringify(name)}:${dtype}[`;
    for (let d = 1; d < shape.length; d++) key += `${d > 1 ? ',' : ''}${d === 1 && padded ? '*' : shape[d]}`;
    key += ']';
  }
  return rows === undefined ? undefined : key;
}

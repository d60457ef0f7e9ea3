import type { TensorMap } from '@inferox/core';
import type { PaddingSpec } from './padding-spec';

/**
 * A string equal for two requests exactly when their feeds can share a batch: same input names, dtypes, ranks and
 * dims beyond dim 0 (dim 1 of padded inputs of rank ≥ 2 excepted). Undefined when the feeds cannot be batched at all
 * (no inputs, a scalar input, or inputs disagreeing on dim 0).
 */
export function batchKey(feeds: TensorMap, padding: PaddingSpec | undefined): string | undefined {
  const names = Object.keys(feeds).sort();
  let rows: number | undefined;
  const parts: string[] = [];
  for (const name of names) {
    const tensor = feeds[name]!;
    const dim0 = tensor.shape[0];
    if (dim0 === undefined) return undefined;
    if (rows === undefined) rows = dim0;
    else if (dim0 !== rows) return undefined;
    const dims = tensor.shape.slice(1).map(String);
    if (dims.length > 0 && padding?.inputs.includes(name)) dims[0] = '*';
    parts.push(`${JSON.stringify(name)}:${tensor.dtype}[${dims.join(',')}]`);
  }
  return rows === undefined ? undefined : parts.join(';');
}

import { ErrorCode, InferoxError, Tensor } from '@inferox/core';
import type { ComposedBatch } from './compose-batch';
import { resizeDim1 } from './resize-dim1';

/**
 * Splits a batch's outputs back per member, in order; outputs of rank ≥ 2 whose dim 1 is the padded length (among
 * the named ones, when named) are cut back to each member's own length (copies), the others are views over the batch
 * output (`Tensor.split`: each member's rows, disjoint, of an array only the batch's members receive).
 *
 * @throws InferoxError `BACKEND_ERROR` naming the output when its dim 0 is not the batch's row count.
 */
export function splitOutputs(outputs: Readonly<Record<string, Tensor>>, batch: ComposedBatch, what: string): Record<string, Tensor>[] {
  const { rows, lengths, paddedLength, cutOutputs } = batch;
  let total = 0;
  for (const n of rows) total += n;
  const results: Record<string, Tensor>[] = [];
  for (let i = 0; i < rows.length; i++) results.push({});
  for (const name of Object.keys(outputs)) {
    const tensor = outputs[name]!;
    if (!(tensor instanceof Tensor) || tensor.shape[0] !== total) {
      const shape = tensor instanceof Tensor ? tensor.describe() : typeof tensor;
      throw new InferoxError(
        ErrorCode.BACKEND_ERROR,
        `${what}: output ${JSON.stringify(name)} is ${shape}; a batch of ${rows.length} requests needs dim 0 = ${total} to split it`,
        { details: { output: name, rows: total } },
      );
    }
    const cuttable = paddedLength !== undefined && (cutOutputs === undefined || cutOutputs.includes(name)) && tensor.rank >= 2 && tensor.shape[1] === paddedLength;
    const parts = tensor.split(rows);
    for (let i = 0; i < parts.length; i++) {
      const own = lengths[i];
      results[i]![name] = cuttable && own !== undefined && own !== paddedLength ? resizeDim1(parts[i]!, own) : parts[i]!;
    }
  }
  return results;
}

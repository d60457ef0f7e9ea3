import { ErrorCode, InferoxError, Tensor } from '@inferox/core';
import type { ComposedBatch } from './compose-batch';
import { resizeDim1 } from './resize-dim1';

/**
 * Splits a batch's outputs back per member, in order; outputs of rank ≥ 2 whose dim 1 is the padded length (among
 * the named ones, when named) are cut back to each member's own length (copies), the others are views over the batch output.
 *
 * @throws InferoxError `BACKEND_ERROR` naming the output when its dim 0 is not the batch's row count.
 */
export function splitOutputs(outputs: Readonly<Record<string, Tensor>>, batch: ComposedBatch, what: string): Record<string, Tensor>[] {
  const total = batch.rows.reduce((a, b) => a + b, 0);
  const results: Record<string, Tensor>[] = batch.rows.map(() => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    const cuttable = batch.paddedLength !== undefined && (batch.cutOutputs === undefined || batch.cutOutputs.includes(name));
    if (!(tensor instanceof Tensor) || tensor.shape[0] !== total) {
      const shape = tensor instanceof Tensor ? tensor.describe() : typeof tensor;
      throw new InferoxError(
        ErrorCode.BACKEND_ERROR,
        `${what}: output ${JSON.stringify(name)} is ${shape}; a batch of ${batch.rows.length} requests needs dim 0 = ${total} to split it`,
        { details: { output: name, rows: total } },
      );
    }
    tensor.split(batch.rows).forEach((part, i) => {
      const own = batch.lengths[i];
      const cut = cuttable && own !== undefined && own !== batch.paddedLength && part.rank >= 2 && part.shape[1] === batch.paddedLength;
      results[i]![name] = cut ? resizeDim1(part, own) : part;
    });
  }
  return results;
}

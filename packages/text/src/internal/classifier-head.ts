import type { ClassifierHead } from '@inferox/hf-checkpoint';

/** Applies the head to `pooled` rows `[batch, hidden]`; returns `[batch]` rows of logits. */
export function applyClassifierHead(head: ClassifierHead, pooled: Float32Array, batch: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const row = new Float32Array(head.labels);
    for (let l = 0; l < head.labels; l++) {
      let sum = head.bias[l]!;
      for (let k = 0; k < head.hidden; k++) sum += pooled[b * head.hidden + k]! * head.weight[l * head.hidden + k]!;
      row[l] = sum;
    }
    rows.push(row);
  }
  return rows;
}

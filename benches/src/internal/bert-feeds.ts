import { Tensor, type TensorMap } from '@inferox/core';
import * as ort from 'onnxruntime-node';

/** The same BERT feeds as Inferox tensors and as onnxruntime tensors (sharing nothing). */
export interface BertFeeds {
  readonly core: TensorMap;
  readonly ort: Record<string, ort.Tensor>;
}

/**
 * Deterministic BERT feeds of `batch` × `seq` tokens: `[CLS] ids... [SEP]` with ids in the vocab's word range,
 * attention mask 1, token types 0.
 */
export function bertFeeds(batch: number, seq: number, seed = 1): BertFeeds {
  const n = batch * seq;
  const ids = new BigInt64Array(n);
  let x = seed >>> 0 || 1;
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < seq; s++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      ids[b * seq + s] = s === 0 ? 101n : s === seq - 1 ? 102n : BigInt(1000 + (x % 28000));
    }
  }
  const mask = new BigInt64Array(n).fill(1n);
  const types = new BigInt64Array(n);
  const shape = [batch, seq];
  return {
    core: {
      input_ids: Tensor.from('int64', ids.slice(), shape),
      attention_mask: Tensor.from('int64', mask.slice(), shape),
      token_type_ids: Tensor.from('int64', types.slice(), shape),
    },
    ort: {
      input_ids: new ort.Tensor('int64', ids.slice(), shape),
      attention_mask: new ort.Tensor('int64', mask.slice(), shape),
      token_type_ids: new ort.Tensor('int64', types.slice(), shape),
    },
  };
}

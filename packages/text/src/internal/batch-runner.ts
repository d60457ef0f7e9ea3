import { ErrorCode, InferoxError, Tensor, type TensorMap } from '@inferox/core';
import type { Engine } from '@inferox/engine';
import { type ClassifierHead, readClassifierHead } from '@inferox/hf-checkpoint';
import type { PoolingMode } from '../text-model';
import { applyClassifierHead } from './classifier-head';
import { poolRow } from './pooling';
import type { BatchContext } from './token-batcher';

/** One sequence in a batch. */
export interface BatchItem {
  readonly ids: readonly number[];
  readonly typeIds: readonly number[];
  /** Leading positions left out of pooling. */
  readonly skip: number;
}

/** What the runner needs to know of the model. */
export interface BatchRunnerOptions {
  readonly engine: Engine;
  readonly name: string;
  readonly kind: 'embedding' | 'classification';
  readonly padId: number;
  readonly paddingSide: 'left' | 'right';
  readonly inputNames: ReadonlySet<string>;
  readonly pooling: PoolingMode;
  /** The checkpoint folder holding the classifier head, for graphs that end at `pooler_output`. */
  readonly checkpointDir: string;
}

/**
 * Runs formed batches on the engine: pads them into int64 feeds, runs one request, and turns the outputs into one
 * vector per sequence (a pooled embedding, or logits). The returned vectors are owned by the caller.
 */
export function createBatchRunner(options: BatchRunnerOptions): (items: readonly BatchItem[], context: BatchContext) => Promise<Float32Array[]> {
  const { engine, name, kind, padId, paddingSide, inputNames, pooling, checkpointDir } = options;
  let head: Promise<ClassifierHead> | undefined;
  return async (items, context) => {
    const batch = items.length;
    const length = context.length;
    const ids = new BigInt64Array(batch * length).fill(BigInt(padId));
    const mask = new BigInt64Array(batch * length);
    const types = new BigInt64Array(batch * length);
    const firsts: number[] = [];
    items.forEach((item, b) => {
      const first = paddingSide === 'left' ? length - item.ids.length : 0;
      firsts.push(first);
      const base = b * length + first;
      for (let p = 0; p < item.ids.length; p++) {
        ids[base + p] = BigInt(item.ids[p]!);
        mask[base + p] = 1n;
        types[base + p] = BigInt(item.typeIds[p]!);
      }
    });
    const shape = [batch, length];
    const feeds: TensorMap = {
      input_ids: Tensor.from('int64', ids, shape),
      attention_mask: Tensor.from('int64', mask, shape),
      ...(inputNames.has('token_type_ids') ? { token_type_ids: Tensor.from('int64', types, shape) } : {}),
    };
    const result = await engine.infer(name, feeds, { priority: context.priority, ...(context.backend ? { backend: context.backend } : {}) });
    const outputs = result.outputs;
    try {
      if (kind === 'classification') {
        const logits = outputs.logits;
        if (logits) {
          const data = logits.data as Float32Array;
          const labels = data.length / batch;
          return items.map((_, b) => data.slice(b * labels, (b + 1) * labels));
        }
        const pooled = outputs.pooler_output;
        if (!pooled) throw new InferoxError(ErrorCode.BACKEND_ERROR, `model ${name} on ${result.backend} returned neither logits nor pooler_output (outputs: ${Object.keys(outputs).join(', ')})`);
        head ??= readClassifierHead(checkpointDir);
        return applyClassifierHead(await head, pooled.data as Float32Array, batch);
      }
      const sentence = outputs.sentence_embedding;
      if (sentence && !outputs.last_hidden_state) {
        const data = sentence.data as Float32Array;
        const width = data.length / batch;
        return items.map((_, b) => data.slice(b * width, (b + 1) * width));
      }
      const hidden = outputs.last_hidden_state ?? outputs.token_embeddings;
      if (!hidden) throw new InferoxError(ErrorCode.BACKEND_ERROR, `model ${name} on ${result.backend} returned no last_hidden_state (outputs: ${Object.keys(outputs).join(', ')})`);
      const data = hidden.data as Float32Array;
      const width = data.length / (batch * length);
      return items.map((item, b) => poolRow(data, width, { offset: b * length * width, first: firsts[b]!, length: item.ids.length, skip: item.skip }, pooling));
    } finally {
      for (const tensor of Object.values(outputs)) tensor.dispose();
    }
  };
}

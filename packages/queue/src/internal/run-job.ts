import { ErrorCode, InferoxError } from '@inferox/core';
import type { Engine } from '@inferox/engine';
import type { TextModel } from '@inferox/text';
import type { QueueJobData, QueueJobResult } from './job-wire';
import { decodeTensors, encodeTensors } from './tensor-codec';

/** What one job needs to run. */
export interface RunJobContext {
  readonly engine: Engine;
  readonly texts: ReadonlyMap<string, TextModel>;
  readonly data: QueueJobData;
  readonly signal: AbortSignal | undefined;
  /** Names the job in messages. */
  readonly what: string;
}

type Answer = QueueJobResult extends infer R ? (R extends QueueJobResult ? Omit<R, 'worker' | 'waitMs' | 'runMs'> : never) : never;

function textModel(context: RunJobContext): TextModel {
  const model = context.texts.get(context.data.model);
  if (!model) {
    throw new InferoxError(ErrorCode.MODEL_NOT_FOUND, `${context.what}: this worker serves no text model ${JSON.stringify(context.data.model.slice(0, 80))}; it has ${[...context.texts.keys()].join(', ') || 'none'}`);
  }
  return model;
}

/** Runs one job on the engine (or a text model) and encodes its answer. */
export async function runJob(context: RunJobContext): Promise<Answer> {
  const { data, signal } = context;
  const limits = {
    priority: data.priority,
    ...(signal ? { signal } : {}),
    ...(data.expiresAt !== undefined && data.expiryCode === 'TIMEOUT' ? { timeoutMs: Math.max(1, data.expiresAt - Date.now()) } : {}),
  };
  switch (data.kind) {
    case 'infer': {
      const feeds = decodeTensors(Buffer.from(data.feeds, 'base64'), `${context.what} feeds`);
      const deadline = data.expiresAt !== undefined && data.expiryCode !== 'TIMEOUT' ? { deadline: data.expiresAt } : {};
      const result = await context.engine.infer(data.model, feeds, { ...limits, ...deadline });
      const outputs = encodeTensors(result.outputs).toString('base64');
      for (const tensor of Object.values(result.outputs)) tensor.dispose();
      return {
        kind: 'infer',
        outputs,
        backend: result.backend,
        device: result.device,
        model: result.model,
        version: result.version,
        ...(result.fellBack ? { fellBack: result.fellBack } : {}),
        timings: result.timings,
        batchSize: result.batchSize,
      };
    }
    case 'embed': {
      const result = await textModel(context).embed(data.inputs, { ...data.options, ...limits });
      const dimensions = result.embeddings[0]?.length ?? 0;
      const flat = new Float32Array(result.embeddings.length * dimensions);
      result.embeddings.forEach((row, i) => flat.set(row, i * dimensions));
      return { kind: 'embed', embeddings: Buffer.from(flat.buffer).toString('base64'), count: result.embeddings.length, dimensions, tokens: result.tokens };
    }
    case 'classify':
      return { kind: 'classify', value: await textModel(context).classify(data.inputs, { ...data.options, ...limits }) };
    case 'rerank':
      return { kind: 'rerank', value: await textModel(context).rerank(data.query, data.passages, { ...data.options, ...limits }) };
    case 'tokenize':
      return { kind: 'tokenize', value: await textModel(context).tokenize(data.inputs, { ...data.options, ...(signal ? { signal } : {}) }) };
    default:
      throw new InferoxError(ErrorCode.INVALID_INPUT, `${context.what} has unknown kind ${JSON.stringify(String((data as { kind?: unknown }).kind).slice(0, 40))}`);
  }
}

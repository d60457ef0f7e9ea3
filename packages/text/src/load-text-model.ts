import { ErrorCode, InferoxError, type LoadModelOptions, throwIfAborted, toInferoxError } from '@inferox/core';
import type { Engine, InstancesSpec, ModelSpec, SharedLoadModelOptions } from '@inferox/engine';
import { type TextModelFiles, readTextModelFiles } from '@inferox/hf-checkpoint';
import { createBatchRunner } from './internal/batch-runner';
import { resolveTextSource } from './internal/resolve-text-source';
import { registerTextMetrics } from './internal/text-metrics';
import { TextModelImpl } from './internal/text-model-impl';
import { TextTokenizer } from './internal/text-tokenizer';
import { TokenBatcher } from './internal/token-batcher';
import type { LoadTextModelOptions, PoolingMode, TextModel, TextModelInfo, TextTask } from './text-model';

/** Padded tokens of one batch when the caller sets none. */
export const DEFAULT_MAX_BATCH_TOKENS = 8192;
/** Sequences of one batch when the caller sets none. */
export const DEFAULT_MAX_BATCH_SIZE = 64;
/**
 * Batches in flight per backend when the caller sets none: one per worker instance, and one with inline instances
 * (an inline run holds the thread, so a second batch in flight only splits the callers in two smaller batches).
 */
function defaultMaxConcurrentBatches(instances: InstancesSpec | undefined): number {
  return instances?.mode === 'worker' ? Math.max(1, instances.count) : 1;
}
/**
 * How long one batch should run when the caller sets nothing: 50 ms with inline instances, whose runs hold the event
 * loop (a batch of 64 short texts on a 4-layer, 256-wide BERT held it ~0.3-0.6 s here); no bound in worker mode.
 */
function defaultTargetBatchMs(instances: InstancesSpec | undefined): number | undefined {
  return instances?.mode === 'worker' ? undefined : 50;
}
/** Padding a batch may hold (fraction of its padded tokens) when the caller sets none. */
export const DEFAULT_MAX_PADDING_WASTE = 0.15;

const positiveInt = (value: number | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new InferoxError(ErrorCode.INVALID_INPUT, `${name} must be a whole number ≥ 1, got ${String(value)}`, { details: { option: name } });
  return value;
};

function taskOf(files: TextModelFiles, wanted: TextTask | undefined): TextTask {
  const isClassifier = (files.config.architectures ?? []).some((a) => a.endsWith('ForSequenceClassification'));
  if (wanted === undefined) return isClassifier ? 'classification' : 'embedding';
  if (wanted !== 'embedding' && wanted !== 'classification') throw new InferoxError(ErrorCode.INVALID_INPUT, `task must be 'embedding' or 'classification', got ${JSON.stringify(wanted)}`);
  if (wanted === 'classification' && !isClassifier) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `task 'classification' needs a *ForSequenceClassification checkpoint; ${files.dir} has architectures ${JSON.stringify(files.config.architectures ?? [])}`);
  }
  return wanted;
}

function labelsOf(files: TextModelFiles): string[] {
  const id2label = files.config.id2label ?? {};
  const count = Object.keys(id2label).reduce((max, id) => Math.max(max, Number(id) + 1), 0);
  return Array.from({ length: count }, (_, i) => id2label[String(i)] ?? `LABEL_${i}`);
}

/**
 * Loads a text model into `engine`: reads the folder's tokenizer and sentence-transformers files once, loads the
 * weights on each backend as that backend wants them (the folder's `onnx/model.onnx` on onnx, the safetensors
 * checkpoint elsewhere), and returns a {@link TextModel} whose requests are batched by a padded token budget.
 *
 * @param engine - the engine to load into; it keeps its backends (text never imports one).
 * @param source - a Hugging Face folder, an mlpkg package folder, or `hf://org/repo@revision` (through hub-cache).
 * @returns the model; `dispose()` unloads it from the engine.
 * @throws InferoxError `INVALID_INPUT` (bad source or option), `PACKAGE_INVALID` naming the file (no `tokenizer.json`,
 * a malformed config), `HUB_ERROR`, the engine's load codes, `CANCELLED`.
 * @example
 * ```ts
 * const engine = createEngine({ backends: [createOnnxBackend()] });
 * const model = await loadTextModel(engine, 'fixtures/tiny-bert-st');
 * const { embeddings } = await model.embed(['Hello world!'], { promptName: 'query' });
 * ```
 */
export async function loadTextModel<TLoadOptions extends LoadModelOptions = LoadModelOptions>(
  engine: Engine<TLoadOptions>,
  source: string,
  options: LoadTextModelOptions<TLoadOptions> = {},
): Promise<TextModel> {
  try {
    const { signal } = options;
    throwIfAborted(signal);
    const maxBatchTokens = positiveInt(options.maxBatchTokens, 'maxBatchTokens', DEFAULT_MAX_BATCH_TOKENS);
    const maxBatchSize = positiveInt(options.maxBatchSize, 'maxBatchSize', DEFAULT_MAX_BATCH_SIZE);
    const maxConcurrentBatches = positiveInt(options.maxConcurrentBatches, 'maxConcurrentBatches', defaultMaxConcurrentBatches(options.instances));
    const targetBatchMs = options.targetBatchMs ?? defaultTargetBatchMs(options.instances);
    if (targetBatchMs !== undefined && !(typeof targetBatchMs === 'number' && targetBatchMs > 0)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `targetBatchMs must be a number of milliseconds > 0, got ${String(targetBatchMs)}`, { details: { option: 'targetBatchMs' } });
    }
    const maxPaddingWaste = options.maxPaddingWaste ?? DEFAULT_MAX_PADDING_WASTE;
    if (typeof maxPaddingWaste !== 'number' || !(maxPaddingWaste >= 0 && maxPaddingWaste <= 1)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `maxPaddingWaste must be a fraction from 0 to 1, got ${String(maxPaddingWaste)}`, { details: { option: 'maxPaddingWaste' } });
    }
    const resolved = await resolveTextSource(source, options);
    const files = await readTextModelFiles(resolved.dir, { tokenizerDir: resolved.tokenizerDir, ...(signal ? { signal } : {}) });
    const tokenizer = new TextTokenizer(files);
    const task = taskOf(files, options.task);
    const name = options.name ?? resolved.defaultName;
    const backends = options.backends ?? engine.stats().backends.slice(0, 1).map((b) => b.name);
    if (backends.length === 0) throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, 'the engine has no backend to load the text model on');
    const spec: ModelSpec<TLoadOptions> = {
      replicas: backends.map((backend) => ({ backend, source: resolved.sourceFor(backend) })),
      // The spread of a generic Pick is not seen as that Pick again; adding `name` (a shared option) keeps it one.
      options: { ...options.loadOptions, name } as SharedLoadModelOptions<TLoadOptions>,
      ...(options.instances ? { instances: options.instances } : {}),
      ...(options.batching === undefined ? {} : { batching: options.batching }),
    };
    const loaded = await engine.load(name, spec, signal ? { signal } : {});
    const st = files.sentenceTransformers;
    const pooling: PoolingMode = st?.pooling ?? 'mean';
    const labels = task === 'classification' ? labelsOf(files) : undefined;
    const info: TextModelInfo = {
      maxSequenceLength: files.maxSequenceLength,
      ...(task === 'embedding' ? { dimensions: st?.dimensions ?? files.config.hidden_size, pooling, normalize: st?.normalize ?? false } : {}),
      ...(labels ? { labels, problemType: files.config.problem_type ?? 'single_label_classification' } : {}),
      prompts: st?.prompts ?? {},
      backends,
      modelType: files.config.model_type,
    };
    const inputNames = new Set((loaded.signature?.inputs ?? []).map((input) => input.name));
    if (inputNames.size === 0) for (const input of ['input_ids', 'attention_mask', 'token_type_ids']) inputNames.add(input);
    const run = createBatchRunner({ engine, name, kind: task, padId: tokenizer.padId, paddingSide: files.paddingSide, inputNames, pooling, checkpointDir: resolved.dir });
    const batcher = new TokenBatcher(run, { maxBatchTokens, maxBatchSize, maxConcurrentBatches, maxPaddingWaste, ...(targetBatchMs === undefined ? {} : { targetBatchMs }) });
    const unregister = registerTextMetrics(engine, { name, stats: () => batcher.stats() });
    return new TextModelImpl({
      engine,
      name,
      task,
      info,
      tokenizer,
      batcher,
      includePrompt: st?.includePrompt ?? true,
      onDispose: unregister,
      ...(st?.defaultPromptName ? { defaultPromptName: st.defaultPromptName } : {}),
    });
  } catch (error) {
    throw toInferoxError(error);
  }
}

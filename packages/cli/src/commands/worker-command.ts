import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, InferoxError } from '@inferox/core';
import { type Engine, createEngine } from '@inferox/engine';
import { loadIntoEngine } from '@inferox/mlpkg';
import { createQueueWorker } from '@inferox/queue';
import { parseModelArgument } from '@inferox/server';
import { type TextModel, type TextTask, loadTextModel } from '@inferox/text';
import type { CliIO } from '../cli-io';
import { createBackends } from '../internal/create-backends';

/** Flags of `inferox worker`. */
export interface WorkerFlags {
  readonly redis: string;
  readonly model: readonly string[];
  readonly queue?: string;
  readonly concurrency?: string;
  readonly backend?: readonly string[];
  readonly runtime?: string;
  readonly providers?: readonly string[];
  readonly task?: string;
  readonly id?: string;
  readonly lockDuration?: string;
  readonly stalledInterval?: string;
  readonly maxStalled?: string;
}

const integer = (flag: string, value: string | undefined, min = 1): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new InferoxError(ErrorCode.INVALID_INPUT, `${flag} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
};

const isFile = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined))?.isFile() ?? false;

/** Loads one `--model` argument as `inferox serve` would: a text model, an mlpkg package or a tensor model. */
async function loadModel(engine: Engine, argument: string, flags: WorkerFlags, signal: AbortSignal): Promise<TextModel | undefined> {
  const { name, source } = parseModelArgument(argument);
  const backends = flags.backend?.length ? { backends: [...flags.backend] } : {};
  const task = flags.task ?? 'auto';
  const text = task === 'embedding' || task === 'classification' || (task === 'auto' && (source.startsWith('hf://') || (await isFile(join(source, 'tokenizer.json')))));
  try {
    if (text) return await loadTextModel(engine, source, { name, ...backends, ...(task === 'auto' ? {} : { task: task as TextTask }), signal });
    if (await isFile(join(source, 'metadata.json'))) await loadIntoEngine(engine, source, { name, ...backends, signal });
    else await engine.load(name, { source, ...backends }, { signal });
    return undefined;
  } catch (error) {
    const e = error instanceof InferoxError ? error : new InferoxError(ErrorCode.BACKEND_ERROR, String((error as Error)?.message ?? error), { cause: error });
    throw new InferoxError(e.code, `model ${JSON.stringify(name)}: ${e.message}`, { cause: error, details: { ...e.details, model: name } });
  }
}

/**
 * `inferox worker --redis redis://host:port --model ./folder ...`: loads the models and takes their jobs from the
 * queue until SIGTERM or SIGINT, then stops taking jobs, lets running ones finish and exits. A second signal exits at
 * once (the jobs it held are run again by another worker once their lock expires).
 *
 * @param stopSignal - stops it like SIGTERM (for embedding and tests).
 */
export async function workerCommand(io: CliIO, flags: WorkerFlags, stopSignal?: AbortSignal): Promise<void> {
  if (!flags.model?.length) throw new InferoxError(ErrorCode.INVALID_INPUT, 'no models to serve: give --model ./folder (repeatable; name=./folder to name it)');
  if (flags.task !== undefined && !['auto', 'embedding', 'classification', 'tensor'].includes(flags.task)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `--task must be auto, embedding, classification or tensor, got ${JSON.stringify(flags.task)}`);
  }
  const concurrency = integer('--concurrency', flags.concurrency);
  const lockDurationMs = integer('--lock-duration', flags.lockDuration);
  const stalledIntervalMs = integer('--stalled-interval', flags.stalledInterval);
  const maxStalledCount = integer('--max-stalled', flags.maxStalled, 0);
  const engine = createEngine({ backends: createBackends({ ...(flags.runtime ? { runtime: flags.runtime } : {}), ...(flags.providers ? { providers: flags.providers } : {}) }) });
  const loading = new AbortController();
  let signals = 0;
  let stop: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      io.stderr(`${signal} again: exiting now\n`);
      process.exit(130);
    }
    io.stderr(`${signal}: finishing running jobs, taking no new ones\n`);
    loading.abort(new InferoxError(ErrorCode.CANCELLED, `${signal} during start-up`));
    stop?.();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Embedders (and tests) stop it without a process signal.
  const onStop = (): void => onSignal('SIGTERM');
  if (stopSignal?.aborted) onStop();
  else stopSignal?.addEventListener('abort', onStop, { once: true });
  const textModels: TextModel[] = [];
  try {
    for (const argument of flags.model) {
      const text = await loadModel(engine, argument, flags, loading.signal).catch((error: unknown) => {
        if (signals > 0) return undefined;
        throw error;
      });
      if (signals > 0) return;
      if (text) textModels.push(text);
    }
    const textNames = new Set(textModels.map((m) => m.name));
    const worker = await createQueueWorker({
      engine,
      connection: flags.redis,
      textModels,
      models: [...new Set(engine.list().map((m) => m.name))].filter((n) => !textNames.has(n)),
      ...(flags.queue ? { queue: flags.queue } : {}),
      ...(concurrency ? { concurrency } : {}),
      ...(flags.id ? { id: flags.id } : {}),
      ...(lockDurationMs ? { lockDurationMs } : {}),
      ...(stalledIntervalMs ? { stalledIntervalMs } : {}),
      ...(maxStalledCount !== undefined ? { maxStalledCount } : {}),
      // Connection trouble (a wrong --redis, Redis restarting) is worth a line on stderr; the worker keeps retrying.
      logger: { debug: () => undefined, info: () => undefined, warn: (message, fields) => io.stderr(`${message} ${JSON.stringify(fields ?? {})}\n`), error: (message, fields) => io.stderr(`${message} ${JSON.stringify(fields ?? {})}\n`) },
    });
    io.stdout(`inferox worker ${worker.id} serving ${worker.info().models.map((m) => m.name).join(', ')} from queue ${flags.queue ?? 'inferox'}\n`);
    await stopped;
    await worker.close();
    io.stderr('stopped\n');
  } finally {
    for (const text of textModels) await text.dispose().catch(() => undefined);
    await engine.close({ drain: false });
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    stopSignal?.removeEventListener('abort', onStop);
  }
}

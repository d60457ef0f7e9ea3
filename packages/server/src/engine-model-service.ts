import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, InferoxError, type Logger, type SignalOptions, noopLogger } from '@inferox/core';
import type { Engine, ModelInfo } from '@inferox/engine';
import { snapshotDownload } from '@inferox/hub-cache';
import { loadIntoEngine } from '@inferox/mlpkg';
import { type TextModel, loadTextModel } from '@inferox/text';
import type { ModelRepository, ModelService, ServedModel, ServedTextModel } from './model-service';
import type { ServedModelConfig } from './served-model-config';

/** Options of {@link engineModelService}. */
export interface EngineModelServiceOptions extends SignalOptions {
  /** The engine; the service owns it from now on (`close()` closes it). */
  readonly engine: Engine;
  /** Models to load now, in order; they are also the model repository. */
  readonly models?: readonly ServedModelConfig[];
  /** Text models already loaded into `engine` by the caller; the service owns them. */
  readonly textModels?: readonly TextModel[];
  /** @defaultValue `noopLogger` */
  readonly logger?: Logger;
}

const exists = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined))?.isFile() ?? false;

/** A tensor model from the hub: the repo snapshot in the Hugging Face cache (hub-cache), then loaded as a folder. */
async function localSource(source: string, signal?: AbortSignal): Promise<string> {
  if (!source.startsWith('hf://')) return source;
  const match = /^hf:\/\/([\w.-]+\/[\w.-]+)(?:@([\w./-]+))?$/.exec(source);
  if (!match) throw new InferoxError(ErrorCode.INVALID_INPUT, `source ${JSON.stringify(source.slice(0, 200))} is not hf://org/repo or hf://org/repo@revision`);
  return snapshotDownload(match[1]!, { revision: match[2] ?? 'main', ...(signal ? { signal } : {}) });
}

async function kindOf(config: ServedModelConfig, source: string): Promise<'text' | 'package' | 'tensor'> {
  const task = config.task ?? 'auto';
  if (task === 'embedding' || task === 'classification') return 'text';
  if (source.startsWith('hf://')) return 'text';
  if (await exists(join(source, 'metadata.json'))) return 'package';
  if (task === 'auto' && (await exists(join(source, 'tokenizer.json')))) return 'text';
  return 'tensor';
}

/**
 * A {@link ModelService} over a local engine: plain tensor models (checkpoints, `.onnx` files, mlpkg packages) and
 * text models from `@inferox/text`. Loads `options.models` before resolving; a model that fails to load fails the
 * call (everything loaded so far is closed).
 *
 * @throws InferoxError what loading throws (`INVALID_INPUT`, `PACKAGE_INVALID`, `BACKEND_UNAVAILABLE`, `HUB_ERROR`, ...),
 * each message naming the model.
 */
export async function engineModelService(options: EngineModelServiceOptions): Promise<ModelService> {
  const { engine } = options;
  const logger = options.logger ?? noopLogger;
  const configs = new Map<string, ServedModelConfig>();
  const texts = new Map<string, TextModel>();
  const failures = new Map<string, string>();
  for (const text of options.textModels ?? []) texts.set(text.name, text);
  let closing = false;
  let closed: Promise<void> | undefined;

  const load = async (config: ServedModelConfig, signal?: AbortSignal): Promise<void> => {
    const spec = {
      ...(config.batching === undefined ? {} : { batching: config.batching }),
      ...(config.instances ? { instances: config.instances } : {}),
      ...(config.maxQueueSize ? { maxQueueSize: config.maxQueueSize } : {}),
    };
    try {
      // Text models resolve hf:// themselves (only the files they need); tensor models get the whole snapshot.
      const source = config.task === 'tensor' ? await localSource(config.source, signal) : config.source;
      const kind = await kindOf(config, source);
      if (kind === 'text') {
        const previous = texts.get(config.name);
        const text = await loadTextModel(engine, config.source, {
          name: config.name,
          ...(config.backends ? { backends: config.backends } : {}),
          ...(config.task === 'embedding' || config.task === 'classification' ? { task: config.task } : {}),
          ...(config.batching === undefined ? {} : { batching: config.batching }),
          ...(config.instances ? { instances: config.instances } : {}),
          ...(config.maxBatchTokens ? { maxBatchTokens: config.maxBatchTokens } : {}),
          ...(signal ? { signal } : {}),
        });
        texts.set(config.name, text);
        if (previous && previous !== text) logger.info('text model replaced', { model: config.name });
      } else if (kind === 'package') {
        await loadIntoEngine(engine, source, { name: config.name, ...(config.backends ? { backends: config.backends } : {}), spec, ...(signal ? { signal } : {}) });
      } else {
        await engine.load(config.name, { source, ...(config.backends ? { backends: config.backends } : {}), ...spec }, signal ? { signal } : {});
      }
      failures.delete(config.name);
      logger.info('model loaded', { model: config.name });
    } catch (error) {
      const e = error instanceof InferoxError ? error : new InferoxError(ErrorCode.BACKEND_ERROR, String((error as Error)?.message ?? error), { cause: error });
      failures.set(config.name, e.message);
      throw new InferoxError(e.code, `model ${JSON.stringify(config.name)}: ${e.message}`, { cause: error, details: { ...e.details, model: config.name } });
    }
  };

  const served = (info: ModelInfo): ServedModel => {
    const text = texts.get(info.name);
    const live = info.replicas.filter((r) => r.unavailable === undefined);
    return {
      name: info.name,
      version: String(info.version),
      versions: info.versions.map(String),
      platform: text ? 'inferox_text' : (info.replicas[0]?.backend ?? 'unknown'),
      ready: !closing && (info.state !== 'ready' || live.length > 0),
      state: info.state === 'ready' && live.length === 0 ? 'unavailable' : info.state,
      backends: info.replicas.map((r) => r.backend),
      inputs: info.signature?.inputs ?? [],
      outputs: info.signature?.outputs ?? [],
      replicas: info.replicas.map((r) => ({
        backend: r.backend,
        device: r.device,
        instances: r.instances.count,
        queued: r.queued,
        running: r.running,
        ...(r.unavailable === undefined ? {} : { unavailable: r.unavailable }),
      })),
      ...(text ? { text: { task: text.task, info: text.info } } : {}),
    };
  };

  const repository: ModelRepository = {
    async index() {
      const loaded = new Set(engine.list().map((m) => m.name));
      return [...configs.values()].map((c) => {
        const reason = failures.get(c.name);
        return { name: c.name, state: loaded.has(c.name) ? 'READY' : 'UNAVAILABLE', ...(reason ? { reason } : loaded.has(c.name) ? {} : { reason: 'unloaded' }) };
      });
    },
    async load(name, loadOptions = {}) {
      const config = configs.get(name);
      if (!config) throw new InferoxError(ErrorCode.MODEL_NOT_FOUND, `the model repository has no model ${JSON.stringify(name.slice(0, 64))}; it has ${[...configs.keys()].join(', ') || 'none'}`);
      await load(config, loadOptions.signal);
    },
    async unload(name) {
      const text = texts.get(name);
      if (text) {
        texts.delete(name);
        await text.dispose();
        return;
      }
      await engine.unload(name);
    },
  };

  try {
    for (const config of options.models ?? []) {
      if (configs.has(config.name)) throw new InferoxError(ErrorCode.INVALID_INPUT, `model name ${JSON.stringify(config.name)} is given twice`);
      configs.set(config.name, config);
      await load(config, options.signal);
    }
  } catch (error) {
    await engine.close({ drain: false });
    throw error;
  }

  return {
    async list() {
      return engine.list().map(served);
    },
    async model(name, version) {
      const parsed = version === undefined ? undefined : Number(version);
      if (parsed !== undefined && (!Number.isSafeInteger(parsed) || parsed < 1)) {
        throw new InferoxError(ErrorCode.MODEL_NOT_FOUND, `model ${JSON.stringify(name.slice(0, 64))} has no version ${JSON.stringify(String(version).slice(0, 32))}`);
      }
      if (name.includes('@')) throw new InferoxError(ErrorCode.MODEL_NOT_FOUND, `no model ${JSON.stringify(name.slice(0, 64))}; give the version in the path, not the name`);
      return served(engine.info(parsed === undefined ? name : `${name}@${parsed}`));
    },
    ready: () => !closing && !engine.closed,
    async infer(name, feeds, inferOptions = {}) {
      const { version, outputs, ...rest } = inferOptions;
      const result = await engine.infer(version === undefined ? name : `${name}@${version}`, feeds, rest);
      let selected = result.outputs;
      if (outputs) {
        selected = {};
        for (const key of outputs) {
          const tensor = result.outputs[key];
          if (!tensor) throw new InferoxError(ErrorCode.INVALID_INPUT, `model ${JSON.stringify(name)} has no output ${JSON.stringify(key.slice(0, 64))}; it has ${Object.keys(result.outputs).join(', ')}`);
          selected[key] = tensor;
        }
        for (const [key, tensor] of Object.entries(result.outputs)) if (!outputs.includes(key)) tensor.dispose();
      }
      return { outputs: selected, model: result.model, version: String(result.version), backend: result.backend, device: result.device, timings: result.timings, batchSize: result.batchSize };
    },
    async text(name): Promise<ServedTextModel> {
      const text = texts.get(name);
      if (text) return text;
      engine.info(name); // MODEL_NOT_FOUND naming the models that exist
      throw new InferoxError(ErrorCode.INVALID_INPUT, `model ${JSON.stringify(name)} is not a text model (it takes tensors: use /v2/models/${name}/infer)`);
    },
    metrics: () => engine.metrics.metrics(),
    repository,
    close(closeOptions = {}) {
      closing = true;
      closed ??= (async () => {
        await engine.close({ ...(closeOptions.timeoutMs === undefined ? {} : { timeoutMs: closeOptions.timeoutMs }), ...(closeOptions.signal ? { signal: closeOptions.signal } : {}) });
        await Promise.allSettled([...texts.values()].map((t) => t.dispose()));
      })();
      return closed;
    },
  };
}

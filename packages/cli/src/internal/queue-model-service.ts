/**
 * The front-end mode of `inferox serve --queue redis://...`: a server `ModelService` over a `@inferox/queue` client,
 * so the HTTP server answers exactly as it does for a local engine while the work runs on queue workers. It holds no
 * state a restart would lose: models are whatever live workers announce, accepted jobs live in Redis.
 */
import { ErrorCode, InferoxError, type TensorMap } from '@inferox/core';
import type { QueueClient, QueueModel } from '@inferox/queue';
import type { ModelService, ServedModel, ServedTextModel, ServiceInferOptions, ServiceInferResult } from '@inferox/server';

/** Options of {@link queueModelService}. */
export interface QueueModelServiceOptions {
  /** The client; the service owns it from now on (`close()` closes it). */
  readonly client: QueueClient;
  /** How long the list of announced models is reused before Redis is asked again. @defaultValue 1000 */
  readonly modelsTtlMs?: number;
}

const served = (m: QueueModel): ServedModel => {
  const version = String(m.version ?? 1);
  return {
    name: m.name,
    version,
    versions: [version],
    platform: m.kind === 'tensor' ? 'inferox_queue' : 'inferox_text',
    ready: m.workers > 0,
    state: m.workers > 0 ? 'ready' : 'unavailable',
    backends: [],
    inputs: m.signature?.inputs ?? [],
    outputs: m.signature?.outputs ?? [],
    replicas: [],
    ...(m.kind !== 'tensor' && m.text ? { text: { task: m.kind, info: m.text } } : {}),
  };
};

/**
 * A `ModelService` whose models are those live queue workers announce and whose requests are queue jobs.
 *
 * @example
 * ```ts
 * const service = queueModelService({ client: createQueueClient({ connection: 'redis://redis:6379' }) });
 * const server = await createServer({ service });
 * ```
 */
export function queueModelService(options: QueueModelServiceOptions): ModelService {
  const { client } = options;
  const ttl = options.modelsTtlMs ?? 1000;
  let cache: { at: number; models: Promise<QueueModel[]> } | undefined;
  let closing = false;
  let closed: Promise<void> | undefined;
  const inFlight = new Set<Promise<unknown>>();

  const models = (): Promise<QueueModel[]> => {
    if (!cache || Date.now() - cache.at > ttl) {
      cache = { at: Date.now(), models: client.models() };
      cache.models.catch(() => (cache = undefined));
    }
    return cache.models;
  };
  const find = async (name: string, version?: string): Promise<QueueModel> => {
    const all = await models();
    const found = all.find((m) => m.name === name);
    if (!found || (version !== undefined && version !== String(found.version ?? 1))) {
      throw new InferoxError(ErrorCode.MODEL_NOT_FOUND, `no live queue worker serves model ${JSON.stringify(name.slice(0, 128))}${version === undefined ? '' : ` version ${JSON.stringify(version.slice(0, 32))}`}; workers serve ${all.map((m) => m.name).join(', ') || 'nothing'}`, { details: { model: name, models: all.map((m) => m.name) } });
    }
    return found;
  };
  const track = <T>(start: () => Promise<T>): Promise<T> => {
    if (closing) return Promise.reject(new InferoxError(ErrorCode.SHUT_DOWN, 'the server is shutting down; no new requests are sent to the queue'));
    const work = start();
    inFlight.add(work);
    const forget = (): void => void inFlight.delete(work);
    work.then(forget, forget);
    return work;
  };

  const textModel = (m: QueueModel): ServedTextModel => {
    if (m.kind === 'tensor' || !m.text) throw new InferoxError(ErrorCode.INVALID_INPUT, `model ${JSON.stringify(m.name)} is not a text model (its workers serve it as tensors)`);
    const name = m.name;
    return {
      name,
      task: m.kind,
      info: m.text,
      embed: (inputs, o = {}) => track(() => client.embed(name, inputs, o)),
      classify: (inputs, o = {}) => track(() => client.classify(name, inputs, o)),
      rerank: (query, passages, o = {}) => track(() => client.rerank(name, query, passages, o)),
      tokenize: (inputs, o = {}) => track(() => client.tokenize(name, inputs, o)),
    };
  };

  return {
    list: async () => (await models()).map(served),
    model: async (name, version) => served(await find(name, version)),
    ready: () => !closing,
    async infer(name: string, feeds: TensorMap, o: ServiceInferOptions = {}): Promise<ServiceInferResult> {
      await find(name, o.version);
      const result = await track(() => client.infer(name, feeds, { ...(o.priority ? { priority: o.priority } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}), ...(o.signal ? { signal: o.signal } : {}) }));
      let outputs = result.outputs;
      if (o.outputs?.length) {
        const unknown = o.outputs.filter((n) => !Object.hasOwn(result.outputs, n));
        if (unknown.length) {
          for (const t of Object.values(result.outputs)) t.dispose();
          throw new InferoxError(ErrorCode.INVALID_INPUT, `model ${JSON.stringify(name)} has no output ${unknown.map((n) => JSON.stringify(n.slice(0, 64))).join(', ')}; it has ${Object.keys(result.outputs).join(', ')}`);
        }
        outputs = Object.fromEntries(o.outputs.map((n) => [n, result.outputs[n]!]));
        for (const [n, t] of Object.entries(result.outputs)) if (!o.outputs.includes(n)) t.dispose();
      }
      return { outputs, model: result.model, version: String(result.version), backend: result.backend, device: result.device, timings: result.timings, batchSize: result.batchSize };
    },
    text: async (name) => textModel(await find(name)),
    metrics: () => client.metrics.metrics(),
    close(closeOptions = {}) {
      closing = true;
      closed ??= (async () => {
        const timeoutMs = closeOptions.timeoutMs ?? 10_000;
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
        await Promise.race([Promise.allSettled([...inFlight]), deadline]);
        clearTimeout(timer);
        await client.close();
      })();
      return closed;
    },
  };
}

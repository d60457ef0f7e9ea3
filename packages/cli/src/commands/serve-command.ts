import { ErrorCode, InferoxError } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { createQueueClient } from '@inferox/queue';
import { type ServeConfig, type ServedModelConfig, createServer, engineModelService, parseModelArgument, parseServeConfig, readServeConfig } from '@inferox/server';
import type { CliIO } from '../cli-io';
import { createBackends } from '../internal/create-backends';
import { queueModelService } from '../internal/queue-model-service';

/** Flags of `inferox serve`. */
export interface ServeFlags {
  readonly config?: string;
  readonly host?: string;
  readonly port?: string;
  readonly apiKey?: readonly string[];
  readonly backend?: readonly string[];
  readonly runtime?: string;
  readonly providers?: readonly string[];
  readonly task?: string;
  readonly instances?: string;
  readonly maxBatchSize?: string;
  readonly maxQueueDelay?: string;
  readonly shutdownTimeout?: string;
  readonly bodyLimit?: string;
  readonly modelRepository?: boolean;
  readonly cors?: readonly string[];
  /** Front-end mode: forward every request to queue workers at this Redis URL instead of loading models. */
  readonly queue?: string;
  /** The queue name shared with the workers (front-end mode). */
  readonly queueName?: string;
}

/** The environment variable with API keys (comma-separated), added to `--api-key`. */
export const API_KEYS_ENV = 'INFEROX_API_KEYS';

const integer = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InferoxError(ErrorCode.INVALID_INPUT, `${flag} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
};

/** Builds the config from the file (when given), the model arguments and the flags (flags win). */
export async function serveConfigOf(models: readonly string[], flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): Promise<ServeConfig> {
  const base = flags.config ? await readServeConfig(flags.config) : parseServeConfig({});
  const batchSize = integer('--max-batch-size', flags.maxBatchSize);
  const delay = integer('--max-queue-delay', flags.maxQueueDelay);
  const instances = integer('--instances', flags.instances);
  const fromArgs = models.map((argument): ServedModelConfig => {
    const { name, source } = parseModelArgument(argument);
    return {
      name,
      source,
      ...(flags.task ? { task: flags.task as ServedModelConfig['task'] } : {}),
      ...(flags.backend?.length ? { backends: [...flags.backend] } : {}),
      ...(batchSize ? { batching: { maxBatchSize: batchSize, maxQueueDelayMs: delay ?? 2 } } : {}),
      ...(instances ? { instances: { count: instances, mode: 'inline' as const } } : {}),
    };
  });
  const envKeys = (env[API_KEYS_ENV] ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  const merged = {
    host: flags.host ?? base.host,
    port: integer('--port', flags.port) ?? base.port,
    apiKeys: [...base.apiKeys, ...(flags.apiKey ?? []), ...envKeys],
    ...(flags.backend?.length ? { backends: [...flags.backend] } : base.backends ? { backends: [...base.backends] } : {}),
    shutdownTimeoutMs: integer('--shutdown-timeout', flags.shutdownTimeout) ?? base.shutdownTimeoutMs,
    modelRepository: flags.modelRepository ?? base.modelRepository,
    corsOrigins: [...base.corsOrigins, ...(flags.cors ?? [])],
    dashboard: base.dashboard,
    limits: { ...base.limits, ...(flags.bodyLimit ? { bodyLimitBytes: integer('--body-limit', flags.bodyLimit) } : {}) },
    models: [...base.models, ...fromArgs],
  };
  const config = parseServeConfig(merged, 'serve');
  if (flags.queue && config.models.length > 0) throw new InferoxError(ErrorCode.INVALID_INPUT, `--queue serves the models queue workers announce; give ${config.models.map((m) => m.name).join(', ')} to inferox worker --model instead`);
  if (config.models.length === 0 && !flags.queue) throw new InferoxError(ErrorCode.INVALID_INPUT, 'no models to serve: give a folder (inferox serve ./model), name=source, or --config with models');
  return config;
}

/**
 * `inferox serve`: loads the models, serves them over HTTP until SIGTERM or SIGINT, then shuts down cleanly
 * (readiness false, in-flight requests finish within `--shutdown-timeout`, the engine closes). A second signal exits
 * at once.
 *
 * @param stopSignal - stops it like SIGTERM, for embedding and tests. A stop through it never calls `process.exit`
 * (after a process signal, a stopped server still exits the process should a backend leave a handle open).
 */
export async function serveCommand(io: CliIO, models: readonly string[], flags: ServeFlags, stopSignal?: AbortSignal): Promise<void> {
  const config = await serveConfigOf(models, flags);
  const backends = createBackends({ ...(flags.runtime ? { runtime: flags.runtime } : {}), ...(flags.providers ? { providers: flags.providers } : {}) });
  const engine = createEngine({ backends });
  const loading = new AbortController();
  let signals = 0;
  let stop: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let byProcessSignal = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      io.stderr(`${signal} again: exiting now\n`);
      process.exit(130);
    }
    io.stderr(`${signal}: shutting down (in-flight requests get up to ${config.shutdownTimeoutMs} ms)\n`);
    loading.abort(new InferoxError(ErrorCode.CANCELLED, `${signal} during start-up`));
    stop?.();
  };
  const onProcessSignal = (signal: NodeJS.Signals): void => {
    byProcessSignal = true;
    onSignal(signal);
  };
  process.on('SIGTERM', onProcessSignal);
  process.on('SIGINT', onProcessSignal);
  const onStop = (): void => onSignal('SIGTERM');
  if (stopSignal?.aborted) onStop();
  else stopSignal?.addEventListener('abort', onStop, { once: true });
  try {
    const models = config.models.map((m) => (m.backends || !config.backends ? m : { ...m, backends: config.backends }));
    const fromQueue = flags.queue ? queueModelService({ client: createQueueClient({ connection: flags.queue, ...(flags.queueName ? { queue: flags.queueName } : {}) }) }) : undefined;
    const service = fromQueue ?? await engineModelService({ engine, models, signal: loading.signal }).catch((error: unknown) => {
      if (signals > 0) return undefined; // stopped during start-up: a clean exit
      throw error;
    });
    if (!service) return;
    const server = await createServer({
      service,
      apiKeys: config.apiKeys,
      limits: config.limits,
      repositoryExtension: config.modelRepository,
      corsOrigins: config.corsOrigins,
      dashboard: config.dashboard,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
    });
    if (signals > 0) {
      await server.close();
      return;
    }
    const url = await server.listen({ host: config.host, port: config.port });
    io.stdout(flags.queue ? `inferox serving the models of queue ${flags.queueName ?? 'inferox'} workers at ${url}\n` : `inferox serving ${config.models.map((m) => m.name).join(', ')} at ${url}\n`);
    await stopped;
    await server.close();
    io.stderr('stopped\n');
    // Whatever a backend left running must not keep a stopped server alive.
    if (byProcessSignal) setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
  } finally {
    await engine.close({ drain: false });
    process.off('SIGTERM', onProcessSignal);
    process.off('SIGINT', onProcessSignal);
    stopSignal?.removeEventListener('abort', onStop);
  }
}

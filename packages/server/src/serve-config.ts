import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { ErrorCode, InferoxError } from '@inferox/core';
import { parse as parseYaml } from 'yaml';
import { firstBadField } from '@inferox/engine';
import { z } from 'zod';
import type { ServedModelConfig } from './served-model-config';
import type { ServerLimits } from './server-options';

/** What `inferox serve` runs: listener, keys, limits and models (from a config file, flags or both). */
export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  readonly apiKeys: readonly string[];
  /** Default backends of every model that names none. */
  readonly backends?: readonly string[];
  readonly shutdownTimeoutMs: number;
  readonly modelRepository: boolean;
  readonly corsOrigins: readonly string[];
  readonly dashboard: boolean;
  readonly limits: Partial<ServerLimits>;
  readonly models: readonly ServedModelConfig[];
}

const positive = z.number().int().positive();
const backend = z.enum(['onnx', 'tfjs']);
const modelSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a model name is 1-128 letters, digits, dots, dashes or underscores'),
  source: z.string().min(1),
  backends: z.array(backend).min(1).optional(),
  task: z.enum(['auto', 'embedding', 'classification', 'tensor']).optional(),
  // false: no batching, where the engine would otherwise batch a model with a batch dimension by default.
  batching: z.union([z.literal(false), z.strictObject({ maxBatchSize: positive, maxQueueDelayMs: z.number().finite().nonnegative(), preferredBatchSizes: z.array(positive).optional() })]).optional(),
  instances: z.strictObject({ count: positive.max(64).default(1), mode: z.enum(['inline', 'worker']).default('inline') }).optional(),
  maxQueueSize: positive.optional(),
  maxBatchTokens: positive.optional(),
});
const schema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  apiKeys: z.array(z.string().min(8, 'an API key has at least 8 characters')).default([]),
  backends: z.array(backend).min(1).optional(),
  shutdownTimeoutMs: positive.default(10_000),
  modelRepository: z.boolean().default(false),
  corsOrigins: z.array(z.string().min(1)).default([]),
  dashboard: z.boolean().default(true),
  limits: z
    .strictObject({
      bodyLimitBytes: positive.optional(),
      maxElements: positive.optional(),
      maxInputs: positive.optional(),
      maxBatchInputs: positive.optional(),
      maxInputChars: positive.optional(),
      maxConcurrentRequests: positive.optional(),
      requestTimeoutMs: positive.optional(),
    })
    .default({}),
  models: z.array(modelSchema).default([]),
});

/**
 * Validates a serve config (parsed JSON or YAML). Relative model sources are resolved against `baseDir`.
 *
 * @param value - the parsed document.
 * @param source - its name for messages (the file name). @defaultValue `'config'`
 * @param baseDir - where relative sources start. @defaultValue the working directory
 * @throws InferoxError `INVALID_INPUT` naming the bad key (`config.models[1].task: ...`, `unknown key config.prot`)
 * or a model name given twice.
 */
export function parseServeConfig(value: unknown, source = 'config', baseDir = process.cwd()): ServeConfig {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const { field, unknownKey, problem } = firstBadField(result.error, source);
    throw new InferoxError(ErrorCode.INVALID_INPUT, unknownKey === undefined ? `${field}: ${problem}` : `unknown key ${field}`, { details: { field } });
  }
  const config = result.data;
  const seen = new Set<string>();
  for (const [i, model] of config.models.entries()) {
    if (seen.has(model.name)) throw new InferoxError(ErrorCode.INVALID_INPUT, `${source}.models[${i}].name: ${JSON.stringify(model.name)} is given twice`);
    seen.add(model.name);
  }
  const models = config.models.map((m) => ({ ...m, source: resolveSource(m.source, baseDir) }) as ServedModelConfig);
  return { ...config, models } as ServeConfig;
}

function resolveSource(source: string, baseDir: string): string {
  return source.startsWith('hf://') || isAbsolute(source) ? source : resolve(baseDir, source);
}

/**
 * Reads and validates a serve config file: `.json`, `.yaml` or `.yml`.
 *
 * @throws InferoxError `INVALID_INPUT` naming the file when it cannot be read or parsed, or the bad key.
 */
export async function readServeConfig(path: string): Promise<ServeConfig> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `cannot read config ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  });
  let value: unknown;
  try {
    value = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `config ${JSON.stringify(path)} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  return parseServeConfig(value, basename(path), dirname(resolve(path)));
}

/**
 * Reads a model argument of `inferox serve`: `./folder`, `name=./folder` or `name=hf://org/repo@rev` (the name
 * defaults to the folder's or repo's last segment).
 *
 * @throws InferoxError `INVALID_INPUT` for an empty source or an unusable name.
 */
export function parseModelArgument(argument: string, baseDir = process.cwd()): { name: string; source: string } {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]{0,127})=(.+)$/.exec(argument);
  const source = match ? match[2]! : argument;
  if (source.trim() === '') throw new InferoxError(ErrorCode.INVALID_INPUT, `model argument ${JSON.stringify(argument)} has no source`);
  const fallback = source.startsWith('hf://') ? source.slice(5).split('@')[0]!.split('/').filter(Boolean).pop() : basename(source.replace(/[/\\]+$/, '')).replace(/\.onnx$/, '');
  const name = match ? match[1]! : fallback;
  if (!name || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `cannot name model ${JSON.stringify(argument)}; give one as name=${source}`);
  }
  return { name, source: resolveSource(source, baseDir) };
}

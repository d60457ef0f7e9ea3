import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InferoxError, noopLogger, type Logger } from '@inferox/core';
import { HUB_LIMITS, type HubOptions } from '../hub-options';
import { resolveCacheDir } from '../resolve-cache-dir';

/** Everything a hub call needs, resolved once from options and environment. */
export interface HubContext {
  readonly endpoint: string;
  readonly endpointOrigin: string;
  readonly token: string | undefined;
  readonly offline: boolean;
  readonly cacheDir: string;
  readonly maxRetries: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly fetch: typeof fetch;
  readonly signal: AbortSignal | undefined;
  readonly maxApiBodyBytes: number;
  readonly maxDownloadBytes: number;
}

/** A positive safe integer option, or its default. */
export function limitOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InferoxError('INVALID_INPUT', `${name} must be a positive integer, got ${String(value).slice(0, 40)}`, { details: { option: name } });
  }
  return value;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);

/** Whether `HF_HUB_OFFLINE` (or an explicit option) asks for the cache only. */
export function isOffline(options: Pick<HubOptions, 'offline'>): boolean {
  return options.offline ?? TRUE.has((process.env.HF_HUB_OFFLINE ?? '').trim().toLowerCase());
}

/** The hub base URL without a trailing slash. */
export function resolveEndpoint(options: Pick<HubOptions, 'endpoint'>): string {
  const endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  try {
    new URL(endpoint);
  } catch (cause) {
    throw new InferoxError('INVALID_INPUT', `hub endpoint ${JSON.stringify(endpoint)} is not a URL`, { cause });
  }
  return endpoint;
}

async function resolveToken(option: string | false | undefined): Promise<string | undefined> {
  if (option === false) return undefined;
  if (option) return option;
  if (process.env.HF_TOKEN) return process.env.HF_TOKEN;
  const home = process.env.HF_HOME || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface');
  const path = process.env.HF_TOKEN_PATH || join(home, 'token');
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trim() || undefined;
}

/** Resolves options and environment into a {@link HubContext}. */
export async function hubContext(options: HubOptions): Promise<HubContext> {
  const endpoint = resolveEndpoint(options);
  const offline = isOffline(options);
  return {
    endpoint,
    endpointOrigin: new URL(endpoint).origin,
    token: offline ? undefined : await resolveToken(options.token),
    offline,
    cacheDir: resolveCacheDir(options),
    maxRetries: options.maxRetries ?? 5,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 1000,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000,
    timeoutMs: options.timeoutMs ?? 30_000,
    logger: options.logger ?? noopLogger,
    fetch: options.fetch ?? globalThis.fetch,
    signal: options.signal,
    maxApiBodyBytes: limitOption('maxApiBodyBytes', options.maxApiBodyBytes, HUB_LIMITS.maxApiBodyBytes),
    maxDownloadBytes: limitOption('maxDownloadBytes', options.maxDownloadBytes, HUB_LIMITS.maxDownloadBytes),
  };
}

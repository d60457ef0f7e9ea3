import { ErrorCode, InferoxError } from '@inferox/core';
import { type Engine, createEngine } from '@inferox/engine';
import { type TextModel, type TextTask, loadTextModel } from '@inferox/text';
import type { CliIO } from '../cli-io';
import { createBackends } from './create-backends';

/** Flags shared by `inferox embed`, `classify` and `rerank`. */
export interface TextCommandFlags {
  /** `onnx`, `tfjs` or `auto` (the first backend). */
  readonly backend?: string;
  readonly runtime?: string;
  readonly providers?: readonly string[];
  /** `--no-truncate` sets false: a too-long text fails instead of being cut. */
  readonly truncate?: boolean;
}

/** Texts from the arguments, else one per line of stdin (a final newline does not make an extra empty text). */
export async function textsFrom(io: CliIO, args: readonly string[], what: string): Promise<string[]> {
  if (args.length > 0) return [...args];
  const input = await io.readStdin(64 * 1024 * 1024);
  const lines = input.replace(/\r?\n$/, '').split(/\r?\n/);
  if (input === '') throw new InferoxError(ErrorCode.INVALID_INPUT, `no ${what}: give them as arguments or one per line on stdin`);
  return lines;
}

/** A positive whole number from a flag. @throws InferoxError `INVALID_INPUT` naming the flag. */
export function positiveFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InferoxError(ErrorCode.INVALID_INPUT, `${flag} must be a whole number ≥ 1, got ${JSON.stringify(value)}`);
  return n;
}

/** Loads `source` as a text model on an engine of its own, runs `work`, and closes the engine. */
export async function withTextModel<T>(source: string, task: TextTask, flags: TextCommandFlags, work: (model: TextModel) => Promise<T>): Promise<T> {
  const backends = createBackends({ ...(flags.runtime ? { runtime: flags.runtime } : {}), ...(flags.providers ? { providers: flags.providers } : {}) });
  // commander restricts --backend to onnx, tfjs and auto (the first backend).
  const wanted = flags.backend === undefined || flags.backend === 'auto' ? backends[0]!.name : flags.backend;
  const engine: Engine = createEngine({ backends });
  try {
    const model = await loadTextModel(engine, source, { backends: [wanted], task });
    return await work(model);
  } finally {
    await engine.close();
  }
}

import { join } from 'node:path';
import { z } from 'zod';
import { CONFIG_FILE, MAX_CONFIG_BYTES } from './constants';
import { nonEmptyString, parseFields } from './internal/config-fields';
import { readCheckpointJson } from './read-checkpoint-file';

/** A checkpoint's `config.json`, read and checked for what every architecture needs. */
export interface CheckpointConfig {
  /** The path of `config.json`, for messages. */
  readonly file: string;
  /** `model_type` (`bert`, `inferox-mlp`, ...). */
  readonly modelType: string;
  /** `architectures` (`BertModel`, `BertForSequenceClassification`, ...); empty when absent. */
  readonly architectures: readonly string[];
  /** The whole object as read; architectures parse their own fields from it. */
  readonly raw: Readonly<Record<string, unknown>>;
}

const baseSchema = z.looseObject({
  model_type: nonEmptyString(),
  architectures: z.array(z.string(), { error: 'must be an array of strings' }).optional(),
});

/**
 * Checks a parsed `config.json` object: `model_type` a non-empty string, `architectures` absent or strings.
 *
 * @param file - where it came from, for messages.
 * @throws InferoxError `PACKAGE_INVALID` naming the file and the field.
 */
export function parseCheckpointConfig(raw: Readonly<Record<string, unknown>>, file: string): CheckpointConfig {
  const parsed = parseFields(baseSchema, raw, file);
  return { file, modelType: parsed.model_type, architectures: parsed.architectures ?? [], raw };
}

/**
 * Reads `config.json` from a checkpoint folder.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the file (missing, not a regular file, over {@link MAX_CONFIG_BYTES},
 * bad JSON, not an object, bad `model_type`); `CANCELLED`.
 */
export async function readCheckpointConfig(dir: string, options: { readonly signal?: AbortSignal } = {}): Promise<CheckpointConfig> {
  const file = join(dir, CONFIG_FILE);
  return parseCheckpointConfig(await readCheckpointJson(file, { maxBytes: MAX_CONFIG_BYTES, ...(options.signal ? { signal: options.signal } : {}) }), file);
}

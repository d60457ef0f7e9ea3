import { ErrorCode, InferoxError, throwIfAborted } from '@inferox/core';
import type { BatchItem } from './batch-runner';
import { type TextTokenizer, type TruncateOptions, describeText } from './text-tokenizer';

/** Texts tokenized between two yields to the event loop, so a 10,000-text call does not stall other callers. */
const CHUNK = 256;

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One input: a text, a pair, or ids the caller tokenized. */
export type TextInput = string | readonly [string, string] | readonly number[];

/** Checks that `inputs` is a non-empty array. @throws InferoxError `INVALID_INPUT`. */
export function checkList(inputs: unknown, what: string): asserts inputs is readonly unknown[] {
  if (!Array.isArray(inputs)) throw new InferoxError(ErrorCode.INVALID_INPUT, `${what} must be an array, got ${inputs === null ? 'null' : typeof inputs}`);
  if (inputs.length === 0) throw new InferoxError(ErrorCode.INVALID_INPUT, `${what} is empty: give at least one input`);
}

/** Options of {@link encodeInputs}. */
export interface EncodeInputsOptions extends Omit<TruncateOptions, 'label'> {
  readonly prompt?: string;
  /** Leading tokens left out of pooling for every text. */
  readonly skip: number;
  readonly what: string;
  readonly signal?: AbortSignal;
}

/**
 * Tokenizes inputs in chunks, yielding between chunks.
 *
 * @throws InferoxError `INVALID_INPUT` naming the input (`inputs[3]`) that is not a text, pair or id list, or is too
 * long with `truncate: false`; `CANCELLED`.
 */
export async function encodeInputs(tokenizer: TextTokenizer, inputs: readonly TextInput[], options: EncodeInputsOptions): Promise<{ items: BatchItem[]; tokens: number }> {
  const items: BatchItem[] = [];
  let tokens = 0;
  const prompt = options.prompt ?? '';
  for (let i = 0; i < inputs.length; i++) {
    if (i > 0 && i % CHUNK === 0) {
      await yieldTurn();
      throwIfAborted(options.signal);
    }
    const input = inputs[i];
    const label = `${options.what}[${i}]`;
    const truncate = { truncate: options.truncate, direction: options.direction, label };
    let encoded;
    if (typeof input === 'string') encoded = tokenizer.encode(prompt + input, undefined, truncate);
    else if (Array.isArray(input) && input.length === 2 && typeof input[0] === 'string' && typeof input[1] === 'string') encoded = tokenizer.encode(input[0], input[1], truncate);
    else if (Array.isArray(input) && input.every((id) => typeof id === 'number')) {
      if (input.length === 0) throw new InferoxError(ErrorCode.INVALID_INPUT, `${label} is an empty id list`);
      tokenizer.checkIds(input as number[], label);
      encoded = tokenizer.fit(input as number[], new Array<number>(input.length).fill(0), truncate);
    } else {
      const shown = typeof input === 'object' && input !== null ? describeText(JSON.stringify(input)) : String(input);
      throw new InferoxError(ErrorCode.INVALID_INPUT, `${label} must be a string, a [text, text] pair or a list of token ids, got ${shown}`, { details: { input: label } });
    }
    tokens += encoded.ids.length;
    items.push({ ids: encoded.ids, typeIds: encoded.typeIds, skip: options.skip });
  }
  return { items, tokens };
}

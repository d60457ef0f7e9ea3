import { ErrorCode, InferoxError } from '@inferox/core';
import type { TextModelFiles } from '@inferox/hf-checkpoint';
import { Tokenizer } from '@huggingface/tokenizers';
import type { TokenInfo, TruncationDirection } from '../text-model';

/** One tokenized sequence, ready to batch. */
export interface EncodedSequence {
  readonly ids: readonly number[];
  readonly typeIds: readonly number[];
  /** Tokens before truncation (for usage and error messages). */
  readonly fullLength: number;
}

/** How {@link TextTokenizer.encode} treats a too-long sequence. */
export interface TruncateOptions {
  readonly truncate: boolean;
  readonly direction: TruncationDirection;
  /** Names the input in errors (`inputs[3]`). */
  readonly label: string;
}

const cut = (value: string): string => (value.length > 60 ? `${JSON.stringify(value.slice(0, 57))}...` : JSON.stringify(value));

/**
 * `@huggingface/tokenizers` over a folder's `tokenizer.json` with the folder's limit. Truncation cuts the encoded
 * sequence (special tokens included) at the limit on the configured side, as transformers.js does: the reference ids
 * of the fixtures are transformers.js' ids.
 */
export class TextTokenizer {
  readonly #tokenizer: Tokenizer;
  readonly maxLength: number;
  readonly truncationSide: TruncationDirection;
  readonly padId: number;
  readonly vocabSize: number;
  readonly #specialIds: ReadonlySet<number>;

  constructor(files: TextModelFiles) {
    try {
      this.#tokenizer = new Tokenizer(files.tokenizerJson, files.tokenizerConfig);
    } catch (error) {
      throw new InferoxError(ErrorCode.PACKAGE_INVALID, `tokenizer.json in ${files.dir} cannot be used: ${(error as Error).message}`, { cause: error, details: { file: 'tokenizer.json' } });
    }
    this.maxLength = files.maxSequenceLength;
    this.truncationSide = files.truncationSide;
    const added = this.#tokenizer.get_added_tokens_decoder();
    this.#specialIds = new Set([...added].filter(([, token]) => token.special).map(([id]) => id));
    const padToken = files.tokenizerConfig.pad_token;
    const padContent = typeof padToken === 'string' ? padToken : padToken?.content;
    this.padId = (padContent !== undefined ? this.#tokenizer.token_to_id(padContent) : undefined) ?? files.config.pad_token_id ?? 0;
    this.vocabSize = this.#tokenizer.get_vocab(true).size;
  }

  /**
   * Encodes a text (or pair) with special tokens, truncated to the limit.
   *
   * @throws InferoxError `INVALID_INPUT` naming the input, its token count and the limit when it is too long and
   * `truncate` is false.
   */
  encode(text: string, pair: string | undefined, options: TruncateOptions): EncodedSequence {
    // Token type ids only for pairs: asking for them doubles the tokenizer's time, and a single text's are all 0.
    if (pair === undefined) {
      const { ids } = this.#tokenizer.encode(text);
      return this.fit(ids, new Array<number>(ids.length).fill(0), options);
    }
    const encoding = this.#tokenizer.encode(text, { text_pair: pair, return_token_type_ids: true });
    return this.fit(encoding.ids, encoding.token_type_ids ?? new Array<number>(encoding.ids.length).fill(0), options);
  }

  /** Applies the limit to ids the caller tokenized. */
  fit(ids: readonly number[], typeIds: readonly number[], options: TruncateOptions): EncodedSequence {
    const fullLength = ids.length;
    if (fullLength <= this.maxLength) return { ids, typeIds, fullLength };
    if (!options.truncate) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `${options.label} has ${fullLength} tokens, over the model's limit of ${this.maxLength} (truncate: false)`, {
        details: { input: options.label, tokens: fullLength, limit: this.maxLength },
      });
    }
    const keep = (list: readonly number[]): number[] => (options.direction === 'left' ? list.slice(fullLength - this.maxLength) : list.slice(0, this.maxLength));
    return { ids: keep(ids), typeIds: keep(typeIds), fullLength };
  }

  /** Tokens of the prompt with the leading special token, as sentence-transformers counts them for `include_prompt: false`. */
  promptLength(prompt: string): number {
    return Math.max(0, this.#tokenizer.encode(prompt).ids.length - 1);
  }

  /**
   * Token details of one text, cut at the limit when `direction` is given (offsets are not reported by
   * `@huggingface/tokenizers`: `null`).
   */
  details(text: string, addSpecialTokens: boolean, direction: TruncationDirection | undefined): TokenInfo[] {
    const encoding = this.#tokenizer.encode(text, { add_special_tokens: addSpecialTokens });
    const tokens = encoding.ids.map((id, i) => ({ id, text: encoding.tokens[i] ?? '', special: this.#specialIds.has(id), start: null, stop: null }));
    if (direction === undefined || tokens.length <= this.maxLength) return tokens;
    return direction === 'left' ? tokens.slice(tokens.length - this.maxLength) : tokens.slice(0, this.maxLength);
  }

  /** Checks caller-given ids against the vocabulary. @throws InferoxError `INVALID_INPUT` naming the input and id. */
  checkIds(ids: readonly number[], label: string): void {
    if (!Array.isArray(ids)) throw new InferoxError(ErrorCode.INVALID_INPUT, `${label} is not an array of token ids`);
    for (const [i, id] of ids.entries()) {
      if (!Number.isSafeInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `${label}[${i}] = ${String(id)} is not a token id of this vocabulary (0..${this.vocabSize - 1})`, { details: { input: label } });
      }
    }
  }
}

/** Describes a text value for error messages, cut when long. */
export const describeText = cut;

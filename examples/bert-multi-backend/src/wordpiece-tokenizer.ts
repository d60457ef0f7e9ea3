/** One encoded batch, padded to its longest sequence; ids as bigint for int64 model inputs. */
export interface EncodedBatch {
  readonly inputIds: bigint[][];
  readonly attentionMask: bigint[][];
  readonly tokenTypeIds: bigint[][];
  /** Indices of inputs that were cut to `maxLength`. */
  readonly truncated: number[];
  readonly length: number;
}

/** A sentence or a sentence pair. */
export type TextInput = string | readonly [string, string];

const MAX_WORD_CHARS = 100;

function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return /\p{P}/u.test(ch);
}

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/**
 * The BERT uncased tokenizer: basic tokenisation (clean control characters, lowercase, strip accents, split on
 * whitespace, punctuation and CJK characters) followed by greedy longest-match WordPiece over a vocab.txt list.
 */
export class WordPieceTokenizer {
  readonly #ids: Map<string, number>;
  readonly cls: number;
  readonly sep: number;
  readonly pad: number;
  readonly unk: number;

  /** @param vocab - vocab.txt lines, index = id. */
  constructor(vocab: readonly string[]) {
    this.#ids = new Map(vocab.map((token, id) => [token, id]));
    const need = (token: string): number => {
      const id = this.#ids.get(token);
      if (id === undefined) throw new Error(`vocabulary has no ${token} token`);
      return id;
    };
    this.cls = need('[CLS]');
    this.sep = need('[SEP]');
    this.pad = need('[PAD]');
    this.unk = need('[UNK]');
  }

  /** Splits text into basic tokens (words and single punctuation marks), lowercased and without accents. */
  basicTokens(text: string): string[] {
    const cleaned = [...text.normalize('NFD')]
      .filter((ch) => /\s/.test(ch) || (!/\p{Mn}/u.test(ch) && ch !== '\u0000' && ch !== '\ufffd' && !/[\p{Cc}\p{Cf}]/u.test(ch)))
      .map((ch) => (/\s/.test(ch) ? ' ' : ch))
      .join('')
      .toLowerCase();
    const tokens: string[] = [];
    let word = '';
    const flush = (): void => {
      if (word) tokens.push(word);
      word = '';
    };
    for (const ch of cleaned) {
      if (ch === ' ') flush();
      else if (isPunctuation(ch) || isCjk(ch.codePointAt(0)!)) {
        flush();
        tokens.push(ch);
      } else word += ch;
    }
    flush();
    return tokens;
  }

  /** WordPiece ids of `text` (no special tokens). */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    for (const word of this.basicTokens(text)) {
      const chars = [...word];
      if (chars.length > MAX_WORD_CHARS) {
        ids.push(this.unk);
        continue;
      }
      const pieces: number[] = [];
      let start = 0;
      let ok = true;
      while (start < chars.length) {
        let end = chars.length;
        let found: number | undefined;
        while (start < end) {
          const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
          found = this.#ids.get(piece);
          if (found !== undefined) break;
          end -= 1;
        }
        if (found === undefined) {
          ok = false;
          break;
        }
        pieces.push(found);
        start = end;
      }
      ids.push(...(ok ? pieces : [this.unk]));
    }
    return ids;
  }

  /**
   * Encodes sentences (or pairs) as `[CLS] a [SEP] (b [SEP])`, cut to `maxLength` (the longer side of a pair first)
   * and padded to the longest in the batch.
   *
   * @throws Error when the batch is empty or an input is empty.
   */
  encodeBatch(inputs: readonly TextInput[], maxLength: number): EncodedBatch {
    if (inputs.length === 0) throw new Error('no input: give at least one sentence');
    const truncated: number[] = [];
    const rows = inputs.map((input, index) => {
      const [a, b] = typeof input === 'string' ? [input, undefined] : input;
      if (!a.trim() || (b !== undefined && !b.trim())) throw new Error(`input ${index} is empty`);
      let first = this.tokenize(a);
      let second = b === undefined ? undefined : this.tokenize(b);
      const budget = maxLength - (second ? 3 : 2);
      if (first.length + (second?.length ?? 0) > budget) {
        truncated.push(index);
        while (first.length + (second?.length ?? 0) > budget) {
          if (second && second.length >= first.length) second = second.slice(0, -1);
          else first = first.slice(0, -1);
        }
      }
      const ids = [this.cls, ...first, this.sep, ...(second ? [...second, this.sep] : [])];
      const types = ids.map((_, i) => (i >= first.length + 2 ? 1 : 0));
      return { ids, types };
    });
    const length = Math.max(...rows.map((r) => r.ids.length));
    const pad = <T>(row: T[], value: T): T[] => [...row, ...new Array<T>(length - row.length).fill(value)];
    return {
      inputIds: rows.map((r) => pad(r.ids.map(BigInt), BigInt(this.pad))),
      attentionMask: rows.map((r) => pad(r.ids.map(() => 1n), 0n)),
      tokenTypeIds: rows.map((r) => pad(r.types.map(BigInt), 0n)),
      truncated,
      length,
    };
  }
}

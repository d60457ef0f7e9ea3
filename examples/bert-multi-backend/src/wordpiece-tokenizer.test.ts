import { describe, expect, it } from 'vitest';
import { loadBertBaseUncasedVocab, sentencePieceToWordPiece } from './vocab';
import { WordPieceTokenizer } from './wordpiece-tokenizer';

const vocab = await loadBertBaseUncasedVocab();
const tokenizer = new WordPieceTokenizer(vocab);

describe('sentencePieceToWordPiece', () => {
  it('maps word starts to bare tokens and continuations to ## when converting the shipped vocabulary', () => {
    expect(vocab).toHaveLength(30522);
    expect(new Set(vocab).size).toBe(30522);
    expect(vocab.slice(0, 2)).toEqual(['[PAD]', '[unused0]']);
    expect(vocab.slice(100, 104)).toEqual(['[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(vocab[1996]).toBe('the');
    expect(vocab[999]).toBe('!');
    expect(sentencePieceToWordPiece(['[PAD]', '\u2581', '\u2581hello', 'ing'])).toEqual(['[PAD]', '[unused0]', 'hello', '##ing']);
  });
});

describe('WordPieceTokenizer', () => {
  it('produces the bert-base-uncased ids when tokenizing a known sentence', () => {
    // bert-base-uncased: "hello, world!" → [CLS] hello , world ! [SEP]
    expect(tokenizer.encodeBatch(['Hello, world!'], 512).inputIds[0]).toEqual([101n, 7592n, 1010n, 2088n, 999n, 102n]);
  });

  it('splits unknown words into ## pieces and strips accents when a word is not in the vocabulary', () => {
    const ids = tokenizer.tokenize('Tokenization café');
    const pieces = ids.map((id) => vocab[id]);
    expect(pieces).toEqual(['token', '##ization', 'cafe']);
  });

  it('pads to the longest sequence with a zero attention mask when sentences differ in length', () => {
    const batch = tokenizer.encodeBatch(['a b c d', 'a'], 512);
    expect(batch.length).toBe(6);
    expect(batch.attentionMask).toEqual([
      [1n, 1n, 1n, 1n, 1n, 1n],
      [1n, 1n, 1n, 0n, 0n, 0n],
    ]);
    expect(batch.inputIds[1]!.slice(3)).toEqual([0n, 0n, 0n]);
  });

  it('sets token type 1 on the second sentence when given a pair', () => {
    const batch = tokenizer.encodeBatch([['a b', 'c']], 512);
    expect(batch.tokenTypeIds[0]).toEqual([0n, 0n, 0n, 0n, 1n, 1n]);
  });

  it('truncates to maxLength and reports the index when an input is too long', () => {
    const batch = tokenizer.encodeBatch(['short', 'a '.repeat(50)], 16);
    expect(batch.truncated).toEqual([1]);
    expect(batch.length).toBe(16);
    expect(batch.inputIds[1]![15]).toBe(102n);
  });

  it('throws naming the input when a sentence is empty', () => {
    expect(() => tokenizer.encodeBatch([], 16)).toThrow('no input');
    expect(() => tokenizer.encodeBatch(['ok', '  '], 16)).toThrow('input 1 is empty');
  });

  it('maps words longer than 100 characters and unknown characters to [UNK]', () => {
    expect(tokenizer.tokenize('x'.repeat(101))).toEqual([tokenizer.unk]);
    expect(tokenizer.tokenize('\u{1F600}')).toEqual([tokenizer.unk]);
  });
});

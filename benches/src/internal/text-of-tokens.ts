const WORDS = (
  'inference engines load models from several backends and serve requests from many clients at once while the ' +
  'scheduler batches compatible requests and keeps latency predictable under load'
).split(' ');

/**
 * English text whose tokenisation by `tokenize` (ids without special tokens) has exactly `count` tokens: words of a
 * fixed sentence, cycled, a word skipped when it would overshoot and `a` (one token) filling the rest.
 *
 * @throws Error when `count` is not a positive integer or `a` is not one token.
 */
export function textOfTokens(tokenize: (text: string) => number[], count: number): string {
  if (!(Number.isInteger(count) && count > 0)) throw new Error(`token count must be a positive integer, got ${count}`);
  if (tokenize('a').length !== 1) throw new Error('the tokenizer splits "a" into several tokens');
  const words: string[] = [];
  let used = 0;
  for (let i = 0; used < count && i < count * 4; i++) {
    const word = WORDS[i % WORDS.length]!;
    const n = tokenize(word).length;
    if (used + n <= count) {
      words.push(word);
      used += n;
    }
  }
  while (used < count) {
    words.push('a');
    used++;
  }
  return words.join(' ');
}

/** How many characters of a quoted value an error message keeps by default. */
export const QUOTE_MAX_CHARS = 80;

/**
 * Cuts `text` to at most `maxChars` characters, saying how long it was: `"abc…" (+49999997 chars)`-style text for
 * error messages, so a 50 MB input never ends up in a log line whole. Linear in `maxChars`, not in `text`.
 *
 * @param text - what to cut.
 * @param maxChars - the characters kept. @defaultValue {@link QUOTE_MAX_CHARS}
 * @example
 * ```ts
 * cutText('x'.repeat(1000), 5); // 'xxxxx… (1000 chars)'
 * ```
 */
export function cutText(text: string, maxChars: number = QUOTE_MAX_CHARS): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, Math.max(0, maxChars))}… (${text.length} chars)`;
}

/**
 * A short, safe description of any value for an error message: strings JSON-quoted and cut, bigints as `12n`,
 * numbers as written, arrays and objects by kind and size (never walked, so a deeply nested or cyclic value cannot
 * overflow the stack or echo megabytes).
 *
 * @param value - what to describe.
 * @param maxChars - the characters of a string kept. @defaultValue {@link QUOTE_MAX_CHARS}
 * @example
 * ```ts
 * quoteValue('input_ids'); // '"input_ids"'
 * quoteValue([[1]]); // 'an array of 1'
 * ```
 */
export function quoteValue(value: unknown, maxChars: number = QUOTE_MAX_CHARS): string {
  switch (typeof value) {
    case 'string':
      return value.length <= maxChars ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, maxChars))}… (${value.length} chars)`;
    case 'bigint':
      return cutText(`${value}n`, maxChars);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return `an array of ${value.length}`;
      if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
      return `an object (${safeName(value as object)})`;
  }
}

function safeName(value: object): string {
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? cutText(name, 40) : 'Object';
  } catch {
    return 'Object';
  }
}

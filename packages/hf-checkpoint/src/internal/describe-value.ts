import { cutText, quoteValue } from '@inferox/core';

/**
 * A value for an error message, cut to core's `QUOTE_MAX_CHARS`: `nothing` for undefined, small arrays and objects
 * as JSON (a config's `[4, 0]` says more than "an array of 2"; a config file is size-capped before it is parsed),
 * anything else as core's `quoteValue`.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'object' && value !== null) {
    try {
      return cutText(JSON.stringify(value));
    } catch {
      return quoteValue(value);
    }
  }
  return quoteValue(value);
}

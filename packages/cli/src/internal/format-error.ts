import { toInferoxError } from '@inferox/core';

/**
 * The one line a failed command prints: `error [CODE]: message`, plus the stack (and causes) when verbose.
 */
export function formatError(error: unknown, verbose = false): string {
  const e = toInferoxError(error, 'INTERNAL');
  const line = `error [${e.code}]: ${e.message.replace(/\s*\n\s*/g, ' ')}`;
  if (!verbose) return line;
  const parts = [line, e.stack ?? ''];
  let cause: unknown = e.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    parts.push(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join('\n');
}

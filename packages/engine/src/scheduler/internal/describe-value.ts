/**
 * A short description of a value the caller passed, for error messages: `null`, `undefined`, a quoted string, a
 * number, `a function`, `an array`, `an instance of Foo`, or `an object with keys [a, b]`.
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (Array.isArray(value)) return 'an array';
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  const name = proto?.constructor?.name;
  if (proto !== null && proto !== Object.prototype && name) return `an instance of ${name}`;
  return `an object with keys [${Object.keys(value).join(', ')}]`;
}

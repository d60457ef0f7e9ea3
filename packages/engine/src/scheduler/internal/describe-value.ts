/**
 * A short description of a value the caller passed, for error messages: `null`, `undefined`, a quoted string (cut
 * at 40 characters), a number, `a function`, `an array`, `an instance of Foo`, or `an object with keys [a, b]`.
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (Array.isArray(value)) return 'an array';
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  const name = proto?.constructor?.name;
  if (proto !== null && proto !== Object.prototype && name) return `an instance of ${name}`;
  const keys = Object.keys(value);
  return `an object with keys [${keys.slice(0, 5).map((k) => k.slice(0, 40)).join(', ')}${keys.length > 5 ? ', …' : ''}]`;
}

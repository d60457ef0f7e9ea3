/**
 * A typed key for per-session state: `set` and `get` with it take and return `T`, and a value that fails `guard`
 * is refused with `INVALID_INPUT` instead of being returned as something else.
 */
export interface SessionKey<T> {
  readonly name: string;
  readonly guard: (value: unknown) => value is T;
}

/**
 * Creates a {@link SessionKey}.
 *
 * @param name - the slot name; two keys with one name share the slot, and each checks its own type on `get`.
 * @param guard - decides whether a value is a `T`.
 * @example
 * ```ts
 * const turns = createSessionKey('turns', (v): v is number => typeof v === 'number');
 * session.set(turns, 3);
 * const n: number | undefined = session.get(turns);
 * ```
 */
export function createSessionKey<T>(name: string, guard: (value: unknown) => value is T): SessionKey<T> {
  return Object.freeze({ name, guard });
}

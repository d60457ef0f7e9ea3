/**
 * Who is charged how much memory: each replica (or a load in progress, by a token standing for it) with the bytes it
 * holds and a description for `OUT_OF_MEMORY` messages.
 */
export class MemoryLedger {
  readonly #charges = new Map<object, { readonly bytes: number; readonly holder: string }>();

  /** Charges `bytes` to `owner` (replacing its earlier charge); `holder` says who it is in messages. */
  charge(owner: object, bytes: number, holder: string): void {
    this.#charges.set(owner, { bytes, holder });
  }

  release(owner: object): void {
    this.#charges.delete(owner);
  }

  /** The bytes charged to `owner` (0 when none). */
  bytesOf(owner: object): number {
    return this.#charges.get(owner)?.bytes ?? 0;
  }

  has(owner: object): boolean {
    return this.#charges.has(owner);
  }

  /** Everything charged. */
  held(): number {
    let sum = 0;
    for (const { bytes } of this.#charges.values()) sum += bytes;
    return sum;
  }

  /** Every charge, in charging order. */
  charges(): [object, { readonly bytes: number; readonly holder: string }][] {
    return [...this.#charges.entries()];
  }
}

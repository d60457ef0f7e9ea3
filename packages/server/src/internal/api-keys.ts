import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks bearer tokens against the configured keys in constant time: both sides are hashed to equal-length digests
 * and every key is compared, so neither the length nor the position of a match shows in the timing.
 */
export class ApiKeys {
  readonly #digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.#digests = keys.map(digest);
  }

  /** Whether keys are configured at all. */
  get enabled(): boolean {
    return this.#digests.length > 0;
  }

  /** Whether `authorization` (the header's value) is `Bearer <one of the keys>`. */
  accepts(authorization: string | undefined): boolean {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    const candidate = digest(match?.[1] ?? '');
    let ok = false;
    for (const key of this.#digests) ok = timingSafeEqual(key, candidate) || ok;
    return ok && match !== null;
  }
}

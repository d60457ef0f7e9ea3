import { ErrorCode, InferoxError } from '@inferox/core';
import type { ModelSpec } from '../model-spec';
import type { ModelState } from '../model-info';
import type { Replica } from './replica';
import type { VersionEntry } from './version-entry';

/** The highest version number of a model (a loop: resolving runs on every request, and a spread allocates). */
function newest(versions: ReadonlyMap<number, unknown>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of versions.keys()) if (v > max) max = v;
  return max;
}

/** The engine's models: name → version → entry, plus the LRU clock. */
export class ModelTable {
  readonly #models = new Map<string, Map<number, VersionEntry>>();
  #clock = 0;

  /** A new entry (not installed), stamped as just used. */
  create(name: string, version: number, state: ModelState, spec?: ModelSpec): VersionEntry {
    return { name, version, ...(spec ? { spec } : {}), state, replicas: [], lastUsedAt: Date.now(), recency: this.#tick(), removed: false, inflight: 0 };
  }

  /** Marks `entry` as used now (LRU order and `lastUsedAt`). */
  touch(entry: VersionEntry): void {
    entry.lastUsedAt = Date.now();
    entry.recency = this.#tick();
  }

  #tick(): number {
    this.#clock += 1;
    return this.#clock;
  }

  /**
   * The entry serving `name` (the newest version when `version` is absent).
   *
   * @throws InferoxError `MODEL_NOT_FOUND` listing what exists.
   */
  resolve(name: string, version?: number): VersionEntry {
    const versions = this.#models.get(name);
    if (!versions || versions.size === 0) throw this.notFound(name);
    const wanted = version ?? newest(versions);
    const entry = versions.get(wanted);
    if (!entry) throw this.notFound(`${name}@${wanted}`, versions);
    return entry;
  }

  /** The entry installed at `name@version` now, if any. */
  current(name: string, version: number): VersionEntry | undefined {
    return this.#models.get(name)?.get(version);
  }

  newest(name: string): number | undefined {
    const versions = this.#models.get(name);
    return versions && versions.size > 0 ? Math.max(...versions.keys()) : undefined;
  }

  /** Every version of `name`, ascending (empty when unknown). */
  versionsOf(name: string): number[] {
    return [...(this.#models.get(name)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** Installs `entry`; returns the entry it replaces (a hot swap), if any. */
  install(entry: VersionEntry): VersionEntry | undefined {
    let versions = this.#models.get(entry.name);
    if (!versions) {
      versions = new Map();
      this.#models.set(entry.name, versions);
    }
    const old = versions.get(entry.version);
    versions.set(entry.version, entry);
    return old;
  }

  /** Removes `entry` if it is the one installed. */
  remove(entry: VersionEntry): void {
    const versions = this.#models.get(entry.name);
    if (versions?.get(entry.version) !== entry) return;
    versions.delete(entry.version);
    if (versions.size === 0) this.#models.delete(entry.name);
  }

  /**
   * Removes and returns `name@version`, or every version of `name`.
   *
   * @throws InferoxError `MODEL_NOT_FOUND`.
   */
  take(text: string, name: string, version?: number): VersionEntry[] {
    const versions = this.#models.get(name);
    if (!versions) throw this.notFound(name);
    const one = version === undefined ? undefined : versions.get(version);
    if (version !== undefined && !one) throw this.notFound(text, versions);
    const entries = one ? [one] : [...versions.values()];
    for (const e of entries) versions.delete(e.version);
    if (versions.size === 0) this.#models.delete(name);
    return entries;
  }

  /** Every entry, by name then version. */
  entries(): VersionEntry[] {
    return [...this.#models.keys()].sort().flatMap((name) => [...this.#models.get(name)!.values()].sort((a, b) => a.version - b.version));
  }

  /** Removes every entry and returns them. */
  clear(): VersionEntry[] {
    const all = [...this.#models.values()].flatMap((versions) => [...versions.values()]);
    this.#models.clear();
    return all;
  }

  /** The replicas of every installed entry. */
  liveReplicas(): Replica[] {
    const out: Replica[] = [];
    for (const versions of this.#models.values()) for (const e of versions.values()) out.push(...e.replicas);
    return out;
  }

  /** `MODEL_NOT_FOUND` for `text`, listing the versions of `known` or every model. */
  notFound(text: string, known?: ReadonlyMap<number, VersionEntry>): InferoxError {
    const names = [...this.#models.entries()].flatMap(([name, versions]) => (versions.size > 1 ? [...versions.keys()].map((v) => `${name}@${v}`) : [name]));
    const message = known
      ? `model ${JSON.stringify(text)} is not loaded; it has versions ${[...known.keys()].sort((a, b) => a - b).join(', ')}`
      : `model ${JSON.stringify(text)} is not loaded; the engine has ${names.map((n) => JSON.stringify(n)).join(', ') || 'no models'}`;
    return new InferoxError(ErrorCode.MODEL_NOT_FOUND, message, { details: { model: text, models: names } });
  }
}

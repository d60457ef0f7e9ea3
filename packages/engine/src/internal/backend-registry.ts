import { ErrorCode, InferoxError, type Backend, type BackendInfo, type SignalOptions } from '@inferox/core';
import { raceSignal } from './race-signal';
import type { BackendStatus } from '../engine-stats';

interface Entry {
  readonly backend: Backend;
  readonly rank: number;
  init?: Promise<BackendInfo>;
  info?: BackendInfo;
  failure?: InferoxError;
}

/**
 * The engine's own backend registry: priority order, lazy memoised init (a failure is kept with its cause) and the
 * status of each backend.
 */
export class BackendRegistry {
  readonly #entries = new Map<string, Entry>();
  #disposed?: Promise<void>;

  constructor(backends: readonly Backend[], priority: readonly string[] = []) {
    const rank = (name: string, index: number): number => {
      const at = priority.indexOf(name);
      return at >= 0 ? at : priority.length + index;
    };
    backends.forEach((backend, index) => {
      if (this.#entries.has(backend.name)) {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `backends: two backends are named ${JSON.stringify(backend.name)}`, { details: { backend: backend.name } });
      }
      this.#entries.set(backend.name, { backend, rank: rank(backend.name, index) });
    });
  }

  /** Backend names, most preferred first. */
  names(): string[] {
    return [...this.#entries.entries()].sort((a, b) => a[1].rank - b[1].rank).map(([name]) => name);
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** The rank of `name` (0 is the most preferred); unknown names rank last. */
  rank(name: string): number {
    return this.#entries.get(name)?.rank ?? Number.MAX_SAFE_INTEGER;
  }

  /** @throws InferoxError `BACKEND_UNAVAILABLE` naming the backends the engine has. */
  get(name: string): Backend {
    const entry = this.#entries.get(name);
    if (!entry) throw this.unknown(name);
    return entry.backend;
  }

  unknown(name: string): InferoxError {
    return new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `unknown backend ${JSON.stringify(name)}; the engine has ${this.names().map((n) => JSON.stringify(n)).join(', ') || 'no backends'}`, {
      details: { backend: name, backends: this.names() },
    });
  }

  /**
   * Initialises `name` once; a failure is kept and rethrown on every later call.
   *
   * @throws InferoxError `BACKEND_UNAVAILABLE` with the init failure as cause.
   */
  init(name: string, options: SignalOptions = {}): Promise<BackendInfo> {
    const entry = this.#entries.get(name);
    if (!entry) return Promise.reject(this.unknown(name));
    entry.init ??= this.#init(name, entry);
    return raceSignal(entry.init, options.signal, `init of backend ${name}`);
  }

  async #init(name: string, entry: Entry): Promise<BackendInfo> {
    try {
      entry.info = await entry.backend.init();
      return entry.info;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      entry.failure = new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `backend ${JSON.stringify(name)} failed to initialise: ${message}`, {
        cause: error,
        details: { backend: name, ...(error instanceof InferoxError ? error.details : {}) },
      });
      throw entry.failure;
    }
  }

  /** Whether `name` is known and has not failed to initialise (true for names the registry does not hold). */
  usable(name: string): boolean {
    return this.#entries.get(name)?.failure === undefined;
  }

  /**
   * The most preferred backend that initialises, trying each in priority order.
   *
   * @throws InferoxError `BACKEND_UNAVAILABLE` with every attempt in `details.attempts`.
   */
  async pickDefault(options: SignalOptions = {}): Promise<string> {
    const attempts: { backend: string; cause: unknown }[] = [];
    for (const name of this.names()) {
      try {
        await this.init(name, options);
        return name;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        attempts.push({ backend: name, cause: error });
      }
    }
    throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `no backend is available (tried ${attempts.map((a) => a.backend).join(', ') || 'none'})`, {
      details: { attempts },
    });
  }

  statuses(): BackendStatus[] {
    return this.names().map((name) => {
      const entry = this.#entries.get(name)!;
      if (entry.failure) return { name, state: 'unavailable', cause: entry.failure.message };
      if (entry.info) return { name, state: 'available', runtime: entry.info.runtime };
      return { name, state: entry.init ? 'initialising' : 'unknown' };
    });
  }

  /**
   * Disposes every backend once. A backend named in `after` is disposed only once that promise settles (a run still
   * in its runtime must not see the runtime go); the returned promise does not wait for those. Failures are ignored
   * (a backend's dispose is best effort at shutdown).
   */
  dispose(after: ReadonlyMap<string, Promise<void>> = new Map()): Promise<void> {
    this.#disposed ??= Promise.allSettled(
      [...this.#entries.entries()].map(([name, e]) => {
        const wait = after.get(name);
        if (!wait) return e.backend.dispose();
        void wait.then(() => e.backend.dispose()).catch(() => undefined);
        return undefined;
      }),
    ).then(() => undefined);
    return this.#disposed;
  }
}

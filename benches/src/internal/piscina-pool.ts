import { Piscina } from 'piscina';
import type { PiscinaOrtData, PiscinaOrtOutputs, PiscinaOrtTask } from './piscina-ort-worker';

/**
 * Scenario 12's maintained-library pool: piscina with `threads` worker threads, each holding a raw onnxruntime-node
 * session (src/internal/piscina-ort-worker.ts), one task in flight per thread (piscina's default) and the rest queued
 * on the main thread by piscina; tasks reach idle threads through piscina's shared-memory wake-up (`atomics: 'sync'`).
 */
export class PiscinaPool {
  readonly #pool: Piscina;

  private constructor(pool: Piscina) {
    this.#pool = pool;
  }

  /** Starts the threads and resolves once each has loaded its session (one task per thread). */
  static async start(data: PiscinaOrtData & { readonly size: number; readonly seq: number }): Promise<PiscinaPool> {
    const pool = new Piscina({
      filename: new URL('./piscina-ort-worker.ts', import.meta.url).href,
      minThreads: data.size,
      maxThreads: data.size,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: { onnxPath: data.onnxPath, threads: data.threads } satisfies PiscinaOrtData,
    });
    const self = new PiscinaPool(pool);
    const feeds = ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({ name, data: new BigInt64Array(data.seq).fill(1n) }));
    await Promise.all(Array.from({ length: data.size }, () => self.run(feeds, 1, data.seq)));
    return self;
  }

  /** One run of int64 feeds [rows, seq], cloned to a thread; its outputs transferred back. */
  run(feeds: PiscinaOrtTask['feeds'], rows: number, seq: number): Promise<PiscinaOrtOutputs> {
    return this.#pool.run({ feeds, rows, seq } satisfies PiscinaOrtTask) as Promise<PiscinaOrtOutputs>;
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}

import { Worker } from 'node:worker_threads';
import type { FromOrtThread, OrtThreadData, ToOrtThread } from './ort-thread-protocol';

/** One hand-off measured by {@link OrtThread.echo}, in milliseconds. */
export interface HandOff {
  /** postMessage on this thread → the worker's handler runs (wake-up and clone of the payload included). */
  readonly toWorker: number;
  /** The worker's postMessage → this thread's handler runs (clone or transfer of the reply included). */
  readonly toMain: number;
  readonly roundTrip: number;
}

type Outputs = Extract<FromOrtThread, { type: 'ran' }>['outputs'];

const now = (): number => performance.timeOrigin + performance.now();

/** A worker thread with its own raw onnxruntime-node session (src/internal/ort-worker.ts), driven from this thread. */
export class OrtThread {
  readonly #worker: Worker;
  readonly #runs = new Map<number, (outputs: Outputs) => void>();
  #next = 0;
  #waiting: ((message: FromOrtThread) => void) | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (message: FromOrtThread) => {
      if (message.type === 'ran') {
        const resolve = this.#runs.get(message.id)!;
        this.#runs.delete(message.id);
        resolve(message.outputs);
      } else {
        const waiting = this.#waiting;
        this.#waiting = undefined;
        waiting?.(message);
      }
    });
  }

  /** Starts the thread and resolves once its session is loaded. */
  static async start(data: OrtThreadData): Promise<OrtThread> {
    const worker = new Worker(new URL('./ort-worker.ts', import.meta.url), { workerData: data });
    const thread = new OrtThread(worker);
    await new Promise<void>((resolve, reject) => {
      thread.#waiting = () => resolve();
      worker.once('error', reject);
    });
    return thread;
  }

  #ask<T extends FromOrtThread['type']>(message: ToOrtThread, transfer: readonly ArrayBuffer[] = []): Promise<Extract<FromOrtThread, { type: T }>> {
    return new Promise((resolve) => {
      this.#waiting = resolve as (message: FromOrtThread) => void;
      this.#worker.postMessage(message, transfer as ArrayBuffer[]);
    });
  }

  /** Runs [batch, seq] feeds back to back from `startAt` (epoch ms, shared by threads started together) for `windowMs`. */
  loop(batch: number, seq: number, startAt: number, windowMs: number): Promise<{ runs: number; ms: number }> {
    return this.#ask<'looped'>({ type: 'loop', batch, seq, startAt, windowMs });
  }

  /** One run of int64 feeds [rows, seq] (cloned to the worker), outputs transferred back: a hand-written worker pool's call. */
  run(feeds: readonly { readonly name: string; readonly data: BigInt64Array }[], rows: number, seq: number): Promise<Outputs> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#runs.set(id, resolve);
      this.#worker.postMessage({ type: 'run', id, rows, seq, feeds } satisfies ToOrtThread);
    });
  }

  /** One echo: `payload` cloned in, a `replyFloats`-long array back (transferred or cloned), with the times of each leg. */
  async echo(payload: unknown, replyFloats: number, transfer: boolean): Promise<HandOff> {
    const sentAt = now();
    const m = await this.#ask<'echoed'>({ type: 'echo', sentAt, payload, replyFloats, transfer });
    const back = now();
    return { toWorker: m.receivedAt - sentAt, toMain: back - m.repliedAt, roundTrip: back - sentAt };
  }

  /** Releases the session and ends the thread. */
  async close(): Promise<void> {
    this.#worker.postMessage({ type: 'close' } satisfies ToOrtThread);
    await new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
  }
}

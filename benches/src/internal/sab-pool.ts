/// <reference lib="es2024.sharedmemory" />
import { Worker } from 'node:worker_threads';
import type { HandOff } from './ort-threads';
import { CONTROL, MODE, SLOT_WORD, STATUS, type SabLayout, type SabReady, type SabSlotViews, type SabWorkerData, sabViews, slotWord } from './sab-layout';

/** How a {@link SabPool} is started. */
export interface SabPoolOptions {
  readonly onnxPath: string;
  /** Intra-op threads of each thread's session. */
  readonly threads: number;
  /** Every run's feeds are [1, seq] int64. */
  readonly seq: number;
  /** Worker threads, each with its own session. @defaultValue 2 */
  readonly workers?: number;
  /**
   * Runs handed to one thread at a time, each in its own slot of the thread's shared memory. 1: the thread waits
   * for the main thread to hand it the next run; 2: the next run's feeds are already there when a run ends.
   * @defaultValue 1
   */
  readonly depth?: number;
}

/** One output of a run, in an array of the caller's own (copied out of shared memory). */
export interface SabOutput {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** A feed of a run: one input's [1, seq] int64 tokens. */
export interface SabFeed {
  readonly name: string;
  readonly data: BigInt64Array;
}

interface Job {
  readonly mode: number;
  readonly feeds: readonly SabFeed[];
  /** Stamped just before the feeds are written (echo timing). */
  sentAt: number;
  finish(slot: SabSlotViews, layout: SabLayout): void;
  fail(error: Error): void;
}

interface PoolThread {
  readonly worker: Worker;
  readonly control: Int32Array;
  readonly slots: SabSlotViews[];
  readonly exited: Promise<void>;
  /** Answered runs in order of submission (request numbers settled + 1 ...). */
  readonly inFlight: Job[];
  submitted: number;
  settled: number;
  /** Whether a loop is settling this thread's answers (it runs while the thread has runs in flight). */
  watching: boolean;
  /** That loop, or the last one: settled once it has nothing in flight. */
  drained: Promise<void>;
  dead: Error | undefined;
}

const now = (): number => performance.timeOrigin + performance.now();
const decoder = new TextDecoder();

/**
 * A hand-written worker pool over shared memory: per worker thread one SharedArrayBuffer (laid out by
 * sab-layout.ts) holding the feeds and outputs of up to `depth` runs. A call writes its feeds into a free slot, bumps
 * the thread's request word and wakes it with Atomics.notify; the thread (blocked in Atomics.wait) runs its session
 * and copies the outputs into the slot; this thread waits with Atomics.waitAsync and copies them out for the caller.
 * Calls beyond the free slots wait in a queue on this thread, in order. No message per run.
 */
export class SabPool {
  readonly #threads: PoolThread[];
  readonly #layout: SabLayout;
  readonly #queue: Job[] = [];
  #closing: Promise<void> | undefined;

  private constructor(threads: PoolThread[], layout: SabLayout) {
    this.#threads = threads;
    this.#layout = layout;
  }

  /** Starts the threads and resolves once every session is loaded and its shared memory allocated. */
  static async start(options: SabPoolOptions): Promise<SabPool> {
    const count = options.workers ?? 2;
    if (!(Number.isInteger(count) && count > 0)) throw new Error(`workers must be a positive integer, got ${count}`);
    const data: SabWorkerData = { onnxPath: options.onnxPath, threads: options.threads, seq: options.seq, depth: options.depth ?? 1 };
    const started = await Promise.allSettled(Array.from({ length: count }, () => startThread(data)));
    const failed = started.find((r) => r.status === 'rejected');
    const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (failed) {
      await Promise.all(ok.map((t) => t.thread.worker.terminate()));
      throw failed.reason;
    }
    const pool = new SabPool(
      ok.map((t) => t.thread),
      ok[0]!.layout,
    );
    for (const t of pool.#threads) {
      t.worker.on('error', (error) => pool.#lost(t, error));
      // An exit before close is a crash too; after close this thread has nothing in flight.
      t.worker.on('exit', (code) => pool.#lost(t, new Error(`shared-memory pool thread exited with code ${code}`)));
    }
    return pool;
  }

  /** Names and dims of every output, in the order runs return them. */
  get outputs(): readonly { readonly name: string; readonly dims: readonly number[] }[] {
    return this.#layout.outputs.map(({ name, dims }) => ({ name, dims }));
  }

  /** Runs handed to threads and not yet answered. */
  get inFlight(): number {
    return this.#threads.reduce((n, t) => n + t.inFlight.length, 0);
  }

  /** Runs waiting on this thread for a free slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /** One run of [1, seq] int64 feeds (one per input, in any order); resolves with outputs the caller owns. */
  run(feeds: readonly SabFeed[]): Promise<SabOutput[]> {
    return new Promise((resolve, reject) => {
      this.#submit({
        mode: MODE.run,
        feeds: this.#ordered(feeds),
        sentAt: 0,
        finish: (slot, layout) => resolve(layout.outputs.map((o, i) => ({ name: o.name, dims: o.dims, data: slot.outputs[i]!.slice() }))),
        fail: reject,
      });
    });
  }

  /**
   * The hand-off alone, as {@link OrtThread.echo} times it for messages: these feeds written to a thread's shared
   * memory, the thread woken, an output-sized copy into the slot, this thread woken and the outputs copied out.
   */
  echo(feeds: readonly SabFeed[]): Promise<HandOff> {
    return new Promise((resolve, reject) => {
      const job: Job = {
        mode: MODE.echo,
        feeds: this.#ordered(feeds),
        sentAt: 0,
        finish: (slot) => {
          for (const o of slot.outputs) o.slice();
          const back = now();
          resolve({ toWorker: slot.times[0]! - job.sentAt, toMain: back - slot.times[1]!, roundTrip: back - job.sentAt });
        },
        fail: reject,
      };
      this.#submit(job);
    });
  }

  /** Lets runs in flight finish, refuses queued and later ones, and ends the threads. Idempotent. */
  close(): Promise<void> {
    return (this.#closing ??= this.#close());
  }

  /** {@link SabPool.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #close(): Promise<void> {
    for (const job of this.#queue.splice(0)) job.fail(new Error('shared-memory pool closed before this run started'));
    await Promise.all(this.#threads.map((t) => t.drained));
    await Promise.all(
      this.#threads.map(async (t) => {
        if (t.dead) return;
        Atomics.store(t.control, CONTROL.close, 1);
        Atomics.add(t.control, CONTROL.request, 1);
        Atomics.notify(t.control, CONTROL.request);
        await t.exited;
      }),
    );
  }

  #ordered(feeds: readonly SabFeed[]): SabFeed[] {
    const { inputs, seq } = this.#layout;
    if (feeds.length !== inputs.length) throw new Error(`expected ${inputs.length} feeds (${inputs.map((i) => i.name).join(', ')}), got ${feeds.length}`);
    return inputs.map(({ name }) => {
      const feed = feeds.find((f) => f.name === name);
      if (!feed) throw new Error(`no feed named ${name} (got ${feeds.map((f) => f.name).join(', ')})`);
      if (feed.data.length !== seq) throw new Error(`feed ${name} has ${feed.data.length} tokens; this pool runs [1, ${seq}]`);
      return feed;
    });
  }

  #submit(job: Job): void {
    if (this.#closing) {
      job.fail(new Error('shared-memory pool is closed'));
      return;
    }
    // The live thread with the fewest runs in flight, if it has a free slot.
    let best: PoolThread | undefined;
    for (const t of this.#threads) if (!t.dead && t.inFlight.length < this.#layout.depth && (!best || t.inFlight.length < best.inFlight.length)) best = t;
    if (best) this.#send(best, job);
    else if (this.#threads.every((t) => t.dead)) job.fail(new Error('every shared-memory pool thread has failed'));
    else this.#queue.push(job);
  }

  #send(t: PoolThread, job: Job): void {
    const slot = t.slots[t.submitted % this.#layout.depth]!;
    job.sentAt = now();
    for (let i = 0; i < job.feeds.length; i++) slot.inputs[i]!.set(job.feeds[i]!.data);
    Atomics.store(t.control, slotWord(t.submitted % this.#layout.depth, SLOT_WORD.mode), job.mode);
    t.inFlight.push(job);
    t.submitted++;
    Atomics.store(t.control, CONTROL.request, t.submitted);
    Atomics.notify(t.control, CONTROL.request);
    // Set before the loop starts: it may end before #watch returns, when the thread answers at once.
    if (!t.watching) {
      t.watching = true;
      t.drained = this.#watch(t);
    }
  }

  /** Settles `t`'s answers as they come, and hands it queued runs as its slots free up, until nothing is in flight. */
  async #watch(t: PoolThread): Promise<void> {
    // Not within the call that started it: a thread can answer before this thread first waits (when it was
    // descheduled meanwhile), and settling then would hand queued runs out in the middle of a caller's burst of calls.
    await null;
    while (t.inFlight.length > 0) {
      const wait = Atomics.waitAsync(t.control, CONTROL.done, t.settled);
      if (wait.async) await wait.value;
      const done = Atomics.load(t.control, CONTROL.done);
      while (t.settled < done && t.inFlight.length > 0) {
        const job = t.inFlight.shift()!;
        const k = t.settled % this.#layout.depth;
        t.settled++;
        if (Atomics.load(t.control, slotWord(k, SLOT_WORD.status)) === STATUS.ok) job.finish(t.slots[k]!, this.#layout);
        else {
          const bytes = Atomics.load(t.control, slotWord(k, SLOT_WORD.errorBytes));
          // A copy: TextDecoder does not read shared memory.
          job.fail(new Error(`shared-memory pool run failed: ${decoder.decode(t.slots[k]!.error.slice(0, bytes))}`));
        }
      }
      while (!t.dead && t.inFlight.length < this.#layout.depth && this.#queue.length > 0) this.#send(t, this.#queue.shift()!);
    }
    t.watching = false;
  }

  /** A thread that crashed or exited on its own: its runs fail, and the queue goes to the others (or fails). */
  #lost(t: PoolThread, error: Error): void {
    if (t.dead) return;
    t.dead = error;
    for (const job of t.inFlight.splice(0)) job.fail(error);
    // Wakes this thread's watch loop, which now finds nothing in flight and ends.
    Atomics.notify(t.control, CONTROL.done);
    if (this.#threads.every((x) => x.dead)) for (const job of this.#queue.splice(0)) job.fail(error);
  }
}

async function startThread(data: SabWorkerData): Promise<{ thread: PoolThread; layout: SabLayout }> {
  const worker = new Worker(new URL('./sab-worker.ts', import.meta.url), { workerData: data });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const ready = await new Promise<SabReady>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`shared-memory pool thread exited with code ${code} while loading ${data.onnxPath}`)));
  });
  const { control, slots } = sabViews(ready.buffer, ready.layout);
  const thread: PoolThread = { worker, control, slots, exited, inFlight: [], submitted: 0, settled: 0, watching: false, drained: Promise.resolve(), dead: undefined };
  return { thread, layout: ready.layout };
}

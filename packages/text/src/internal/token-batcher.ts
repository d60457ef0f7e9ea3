import { ErrorCode, InferoxError, abortError } from '@inferox/core';
import type { Priority } from '@inferox/engine';
import type { TextModelStats } from '../text-model';

/** What a batch run is told about its batch. */
export interface BatchContext {
  /** The most urgent priority of the requests in the batch. */
  readonly priority: Priority;
  /** The backend the requests asked for (`undefined`: the engine's choice). */
  readonly backend: string | undefined;
  /** The padded length (longest sequence). */
  readonly length: number;
}

/** Runs one formed batch; returns one result per item, in order. */
export type RunBatch<T, R> = (items: readonly T[], context: BatchContext) => Promise<R[]>;

/** Options of {@link TokenBatcher}. */
export interface TokenBatcherOptions {
  /** Padded token budget of a batch (longest × count). */
  readonly maxBatchTokens: number;
  readonly maxBatchSize: number;
  /** Batches in flight at once per backend key. */
  readonly maxConcurrentBatches: number;
  /** Most padding a batch may hold, as a fraction of its padded tokens (the oldest sequence always runs). */
  readonly maxPaddingWaste: number;
  /**
   * How long one batch should run, ms: the token budget shrinks to what the measured time per padded token allows
   * (the oldest sequence always runs). `undefined`: no time bound.
   */
  readonly targetBatchMs?: number;
  /** The clock of {@link targetBatchMs} (tests pass a fake one). @defaultValue `performance.now` */
  readonly now?: () => number;
}

/** Options of one {@link TokenBatcher.submit}. */
export interface SubmitOptions {
  readonly priority?: Priority;
  readonly backend?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

interface Request<R> {
  readonly results: R[];
  remaining: number;
  settled: boolean;
  readonly rank: number;
  readonly priority: Priority;
  readonly resolve: (results: R[]) => void;
  readonly reject: (error: unknown) => void;
  readonly cleanup: () => void;
}

interface Entry<T, R> {
  readonly item: T;
  readonly length: number;
  readonly index: number;
  readonly request: Request<R>;
  taken: boolean;
}

/** Entries of one length, consumed from `head`. */
interface Bucket<T, R> {
  readonly entries: Entry<T, R>[];
  head: number;
}

/** The pending work of one backend key. */
class Lane<T, R> {
  readonly buckets = new Map<number, Bucket<T, R>>();
  /** Arrival order per priority rank (lazily skips taken entries). */
  readonly fifo: { entries: Entry<T, R>[]; head: number }[] = [0, 1, 2, 3].map(() => ({ entries: [], head: 0 }));
  pending = 0;
  inflight = 0;
  scheduled = false;
}

/** Queue order of the engine's priorities, most urgent first. */
const PRIORITY_ORDER: readonly Priority[] = ['critical', 'high', 'normal', 'low'];

const live = <T, R>(entry: Entry<T, R>): boolean => !entry.taken && !entry.request.settled;

/**
 * Forms batches from the sequences of concurrent requests by a padded token budget (longest × count, as TEI counts
 * for padded backends), grouping sequences of close length so short ones are not padded to long ones. The oldest
 * sequence of the most urgent priority anchors each batch, so no length starves. Hand-written: no library forms
 * token-budget batches in JavaScript.
 */
export class TokenBatcher<T extends { readonly ids: readonly number[] }, R> {
  readonly #run: RunBatch<T, R>;
  readonly #options: TokenBatcherOptions;
  readonly #lanes = new Map<string, Lane<T, R>>();
  #stats = { requests: 0, sequences: 0, batches: 0, realTokens: 0, paddedTokens: 0 };
  readonly #now: () => number;
  /**
   * Moving average of the measured ms per padded token (`targetBatchMs`) per backend key: backends differ by an
   * order of magnitude (tfjs wasm against onnx), so one average would size one backend's batches by another's speed.
   */
  readonly #msPerToken = new Map<string, number>();

  constructor(run: RunBatch<T, R>, options: TokenBatcherOptions) {
    this.#run = run;
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Queues a request's sequences; resolves with their results in order once every batch holding one has run.
   *
   * @throws InferoxError `CANCELLED` (signal), `TIMEOUT` (`timeoutMs`), or the batch run's error.
   */
  submit(items: readonly T[], options: SubmitOptions = {}): Promise<R[]> {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal, 'text request'));
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0)) {
      return Promise.reject(new InferoxError(ErrorCode.INVALID_INPUT, `timeoutMs must be a number ≥ 0, got ${String(timeoutMs)}`, { details: { timeoutMs } }));
    }
    if (timeoutMs === 0) return Promise.reject(new InferoxError(ErrorCode.TIMEOUT, 'text request timed out after 0 ms', { details: { timeoutMs } }));
    if (items.length === 0) return Promise.resolve([]);
    const priority = options.priority ?? 'normal';
    const rank = PRIORITY_ORDER.indexOf(priority);
    if (rank < 0) return Promise.reject(new InferoxError(ErrorCode.INVALID_INPUT, `unknown priority ${JSON.stringify(String(priority).slice(0, 40))}; expected one of ${PRIORITY_ORDER.join(', ')}`));
    const key = options.backend ?? '';
    let lane = this.#lanes.get(key);
    if (!lane) this.#lanes.set(key, (lane = new Lane()));
    const theLane = lane;
    return new Promise<R[]>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => fail(abortError(signal!, 'text request'));
      const request: Request<R> = {
        results: new Array<R>(items.length),
        remaining: items.length,
        settled: false,
        rank,
        priority,
        resolve,
        reject,
        cleanup: () => {
          if (timer) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      const fail = (error: unknown): void => this.#fail(request, error);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => fail(new InferoxError(ErrorCode.TIMEOUT, `text request timed out after ${timeoutMs} ms`, { details: { timeoutMs } })), timeoutMs);
      }
      this.#stats.requests++;
      items.forEach((item, index) => {
        const entry: Entry<T, R> = { item, length: item.ids.length, index, request, taken: false };
        let bucket = theLane.buckets.get(entry.length);
        if (!bucket) theLane.buckets.set(entry.length, (bucket = { entries: [], head: 0 }));
        bucket.entries.push(entry);
        theLane.fifo[rank]!.entries.push(entry);
      });
      theLane.pending += items.length;
      this.#schedule(key, theLane);
    });
  }

  /** A snapshot of the counters. */
  stats(): TextModelStats {
    const s = this.#stats;
    return { ...s, paddingWaste: s.paddedTokens === 0 ? 0 : (s.paddedTokens - s.realTokens) / s.paddedTokens };
  }

  #fail(request: Request<R>, error: unknown): void {
    if (request.settled) return;
    request.settled = true;
    request.cleanup();
    request.reject(error);
  }

  #schedule(key: string, lane: Lane<T, R>, afterBatch = false): void {
    if (lane.scheduled) return;
    lane.scheduled = true;
    const pump = (): void => {
      lane.scheduled = false;
      this.#pump(key, lane);
    };
    // An idle lane forms its batch after the current microtasks, so requests made in the same synchronous burst share
    // it. After a batch that answered several requests, the next is formed on the next turn of the event loop: the
    // callers it answered send their next requests in the microtasks that follow, several hops deep, and a microtask
    // would form the batch before most of them arrive. After one that answered a single request (one caller), waiting
    // a turn would only delay that caller's next text.
    if (afterBatch) setImmediate(pump);
    else queueMicrotask(pump);
  }

  #pump(key: string, lane: Lane<T, R>): void {
    while (lane.inflight < this.#options.maxConcurrentBatches) {
      const batch = this.#form(lane, this.#msPerToken.get(key));
      if (batch.length === 0) break;
      lane.inflight++;
      void this.#dispatch(key, lane, batch);
    }
    if (lane.pending === 0 && lane.inflight === 0) this.#lanes.delete(key);
  }

  async #dispatch(key: string, lane: Lane<T, R>, batch: Entry<T, R>[]): Promise<void> {
    const length = batch.reduce((max, e) => Math.max(max, e.length), 0);
    const best = batch.reduce((a, e) => (e.request.rank < a.rank ? e.request : a), batch[0]!.request);
    this.#stats.batches++;
    this.#stats.sequences += batch.length;
    this.#stats.paddedTokens += length * batch.length;
    for (const e of batch) this.#stats.realTokens += e.length;
    // Requests this batch answered: when several, their callers send their next texts over the following microtasks.
    let answered = 0;
    try {
      const started = this.#now();
      const results = await this.#run(
        batch.map((e) => e.item),
        { priority: best.priority, backend: key === '' ? undefined : key, length },
      );
      const sample = (this.#now() - started) / (length * batch.length);
      if (Number.isFinite(sample) && sample >= 0) {
        const before = this.#msPerToken.get(key);
        this.#msPerToken.set(key, before === undefined ? sample : 0.7 * before + 0.3 * sample);
      }
      batch.forEach((entry, i) => {
        const request = entry.request;
        if (request.settled) return;
        request.results[entry.index] = results[i]!;
        if (--request.remaining === 0) {
          answered++;
          request.settled = true;
          request.cleanup();
          request.resolve(request.results);
        }
      });
    } catch (error) {
      for (const entry of batch) this.#fail(entry.request, error);
    } finally {
      lane.inflight--;
      this.#schedule(key, lane, answered > 1);
    }
  }

  /** Takes the next batch out of the lane (empty when nothing live is pending). */
  #form(lane: Lane<T, R>, msPerToken: number | undefined): Entry<T, R>[] {
    const anchor = this.#anchor(lane);
    if (!anchor) return [];
    const { maxBatchSize, maxPaddingWaste, targetBatchMs } = this.#options;
    const maxBatchTokens =
      targetBatchMs === undefined || msPerToken === undefined || msPerToken === 0 ? this.#options.maxBatchTokens : Math.min(this.#options.maxBatchTokens, targetBatchMs / msPerToken);
    const batch: Entry<T, R>[] = [];
    let longest = anchor.length;
    let real = anchor.length;
    const take = (entry: Entry<T, R>): void => {
      entry.taken = true;
      lane.pending--;
      batch.push(entry);
    };
    const next = (length: number): Entry<T, R> | undefined => {
      const bucket = lane.buckets.get(length);
      if (!bucket) return undefined;
      while (bucket.head < bucket.entries.length && !live(bucket.entries[bucket.head]!)) bucket.head++;
      if (bucket.head >= bucket.entries.length) {
        lane.buckets.delete(length);
        return undefined;
      }
      return bucket.entries[bucket.head++];
    };
    take(anchor);
    const lengths = [...lane.buckets.keys()];
    const minLength = Math.min(...lengths, anchor.length);
    const maxLength = Math.max(...lengths, anchor.length);
    let down = anchor.length;
    let up = anchor.length + 1;
    let downEntry: Entry<T, R> | undefined;
    let upEntry: Entry<T, R> | undefined;
    while (batch.length < maxBatchSize) {
      while (!downEntry && down >= minLength) {
        downEntry = next(down);
        if (!downEntry) down--;
      }
      while (!upEntry && up <= maxLength) {
        upEntry = next(up);
        if (!upEntry) up++;
      }
      if (!downEntry && !upEntry) break;
      // Added padding of each candidate: a shorter one is padded to `longest`; a longer one pads everyone else.
      const downCost = downEntry ? longest - downEntry.length : Number.POSITIVE_INFINITY;
      const upCost = upEntry ? (upEntry.length - longest) * batch.length : Number.POSITIVE_INFINITY;
      const pick = downCost <= upCost ? downEntry! : upEntry!;
      const newLongest = Math.max(longest, pick.length);
      const padded = newLongest * (batch.length + 1);
      if (padded > maxBatchTokens || (padded - real - pick.length) / padded > maxPaddingWaste) break;
      take(pick);
      real += pick.length;
      longest = newLongest;
      if (pick === downEntry) downEntry = undefined;
      else upEntry = undefined;
    }
    // Candidates looked at but not taken go back to their buckets.
    for (const entry of [downEntry, upEntry]) {
      if (!entry) continue;
      const bucket = lane.buckets.get(entry.length);
      if (bucket) bucket.head--;
      else lane.buckets.set(entry.length, { entries: [entry], head: 0 });
    }
    return batch;
  }

  /** The oldest live entry of the most urgent priority. */
  #anchor(lane: Lane<T, R>): Entry<T, R> | undefined {
    for (const queue of lane.fifo) {
      while (queue.head < queue.entries.length && !live(queue.entries[queue.head]!)) queue.head++;
      if (queue.head < queue.entries.length) {
        const entry = queue.entries[queue.head]!;
        if (queue.head > 1024 && queue.head * 2 > queue.entries.length) {
          queue.entries.splice(0, queue.head);
          queue.head = 0;
        }
        return entry;
      }
    }
    lane.pending = 0;
    return undefined;
  }
}

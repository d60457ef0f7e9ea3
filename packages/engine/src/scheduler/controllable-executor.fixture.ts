/* v8 ignore file -- @preserve test support: imported only by tests */
import { Tensor, type TensorMap } from '@inferox/core';
import type { Executor } from './executor';

/** One executor call, held open until the test resolves or rejects it. */
export interface HeldRun {
  /** Call order, from 0. */
  readonly index: number;
  readonly executor: number;
  readonly feeds: TensorMap;
  readonly signal: AbortSignal;
  /** The `tag` feed's values: which requests the run serves, in batch order. */
  readonly tags: readonly string[];
  /** Whether the test answered it. */
  readonly done: boolean;
  /** Answers with `outputs`, by default the feeds themselves (an identity model). */
  resolve(outputs?: Record<string, Tensor>): void;
  reject(error: unknown): void;
}

/** Feeds tagged `tag` (a `string[rows]` input the identity model echoes), plus any other inputs. */
export function tagged(tag: string, extra: Record<string, Tensor> = {}, rows = 1): Record<string, Tensor> {
  return { tag: Tensor.from('string', Array.from({ length: rows }, () => tag), [rows]), ...extra };
}

/**
 * Test executors whose runs the test settles by hand. Records every call in order and the running set, so tests
 * assert exactly what ran, where, and with what. Test-only.
 */
export class ControllableExecutors {
  readonly runs: HeldRun[] = [];

  /** `count` executors; run `i` of executor `e` is recorded with `executor: e`. */
  create(count: number): Executor[] {
    return Array.from({ length: count }, (_, executor) => (feeds: TensorMap, { signal }: { signal: AbortSignal }) => {
      let resolve!: (outputs: Record<string, Tensor>) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<Record<string, Tensor>>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const tagFeed = feeds['tag'];
      const run: HeldRun = {
        index: this.runs.length,
        executor,
        feeds,
        signal,
        tags: tagFeed ? (tagFeed.toArray() as string[]) : [],
        done: false,
        resolve: (outputs) => {
          (run as { done: boolean }).done = true;
          resolve(outputs ?? { ...feeds });
        },
        reject: (error) => {
          (run as { done: boolean }).done = true;
          reject(error);
        },
      };
      this.runs.push(run);
      return promise;
    });
  }

  /** Tags of every run so far, one list per run, in call order. */
  get order(): string[][] {
    return this.runs.map((r) => [...r.tags]);
  }

  /** Tags of the runs not yet answered, sorted. */
  get runningTags(): string[] {
    return this.runs.filter((r) => !r.done).flatMap((r) => r.tags).sort();
  }

  /** The open run serving `tag`. */
  open(tag: string): HeldRun {
    const run = this.runs.find((r) => !r.done && r.tags.includes(tag));
    if (!run) throw new Error(`no open run serves ${tag}; running: ${this.runningTags.join(', ')}`);
    return run;
  }
}

/** Lets queued promise callbacks run (a few microtask turns). */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** What became of a promise, observable synchronously in tests. */
export interface Outcome<T> {
  state: 'pending' | 'fulfilled' | 'rejected';
  value?: T;
  error?: unknown;
}

/** Tracks `promise` (and marks its rejection handled). */
export function track<T>(promise: Promise<T>): Outcome<T> {
  const outcome: Outcome<T> = { state: 'pending' };
  promise.then(
    (value) => {
      outcome.state = 'fulfilled';
      outcome.value = value;
    },
    (error: unknown) => {
      outcome.state = 'rejected';
      outcome.error = error;
    },
  );
  return outcome;
}

import { ErrorCode, InferoxError, Tensor, type TensorMap } from '@inferox/core';
import type { AloneReason } from '../batching-options';
import type { ScheduledResult } from '../scheduler-contract';
import type { ComposedBatch } from './compose-batch';
import type { QueueNode } from './request-queue';
import type { RunContext } from './run-context';
import { splitOutputs } from './split-outputs';

/** setTimeout's longest delay; longer waits re-arm. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export type Timer = ReturnType<typeof setTimeout>;

/** An epoch-ms instant for messages: ISO when Date can show it, the number otherwise. */
export const formatInstant = (ms: number): string => (Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms));

/**
 * Disposes outputs nobody will receive, except those that are one of the members' feeds (an identity executor
 * returns its feeds): the caller still owns its inputs.
 */
export function disposeOutputs(tensors: readonly unknown[], members: readonly Entry[]): void {
  for (const tensor of tensors) {
    if (!(tensor instanceof Tensor) || members.some((m) => Object.values(m.feeds).includes(tensor))) continue;
    tensor.dispose();
  }
}

/**
 * Where a request's answer goes: its result or its error, once. The engine hands its own request object, so a waiting
 * request holds no promise of the scheduler's; {@link deferred} is the sink of a caller that wants a promise. Neither
 * method may throw: they are called from the scheduler's bookkeeping.
 */
export interface ResultSink {
  resolve(result: ScheduledResult): void;
  reject(error: unknown): void;
}

/** A request's promise with its settle functions (a {@link ResultSink}), made without a closure per call site. */
export function deferred(): ResultSink & { promise: Promise<ScheduledResult> } {
  let resolve!: (result: ScheduledResult) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<ScheduledResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** What `member` of `execution` is answered with: its own outputs and the run's timings. */
export function resultOf(execution: Execution, member: Entry, outputs: Record<string, Tensor>, computeMs: number): ScheduledResult {
  const { startedAt, members, executor, alone } = execution;
  const result: { -readonly [K in keyof ScheduledResult]: ScheduledResult[K] } = { outputs, queueMs: startedAt - member.enqueuedAt, computeMs, batchSize: members.length, executor };
  if (alone) result.alone = alone;
  return result;
}

export interface Entry {
  readonly seq: number;
  readonly rank: number;
  readonly feeds: TensorMap;
  readonly cost: number;
  readonly enqueuedAt: number;
  readonly key: string | undefined;
  /** When the deadline or timeout strikes, and as which code. */
  readonly expiresAt: number;
  readonly expiryCode: ErrorCode;
  readonly sink: ResultSink;
  readonly signal: AbortSignal | undefined;
  state: 'queued' | 'running' | 'settled';
  node: QueueNode<Entry> | undefined;
  timer: Timer | undefined;
  onAbort: (() => void) | undefined;
  execution: Execution | undefined;
}

export interface Execution {
  readonly members: readonly Entry[];
  /** The pool reservation holding the members' summed cost. */
  readonly reservation: number;
  readonly executor: number;
  readonly context: RunContext;
  readonly startedAt: number;
  readonly alone: AloneReason | undefined;
}

export interface Plan {
  readonly members: readonly Entry[];
  /** The members' costs summed in member order (the sum checked against the pool's free units). */
  readonly cost: number;
  readonly executor: number;
  readonly alone: AloneReason | undefined;
}

/** The error a request gets when its deadline or timeout strikes, saying where it was (queued or running). */
export function expiryError(scheduler: string, entry: Entry): InferoxError {
  const name = JSON.stringify(scheduler);
  const where = entry.state === 'queued' ? 'while queued' : 'while running';
  if (entry.expiryCode === ErrorCode.DEADLINE_EXCEEDED) {
    return new InferoxError(ErrorCode.DEADLINE_EXCEEDED, `request to ${name} missed its deadline (${formatInstant(entry.expiresAt)}) ${where}`, {
      details: { deadline: entry.expiresAt },
    });
  }
  const timeoutMs = entry.expiresAt - entry.enqueuedAt;
  return new InferoxError(ErrorCode.TIMEOUT, `request to ${name} timed out after ${timeoutMs} ms ${where}`, { details: { timeoutMs } });
}

/**
 * A run's answer per member: the outputs split back per request (a run of one keeps its outputs), or the error (the
 * executor's, a malformed answer's or a split's). The batched feeds are disposed after splitting (outputs may alias
 * them; split parts are views that outlive the parent).
 */
export function splitRun(
  executor: number,
  name: string,
  batch: ComposedBatch | undefined,
  outputs: Record<string, Tensor> | undefined,
  error: unknown,
): { parts: Record<string, Tensor>[] | undefined; error: unknown } {
  let parts: Record<string, Tensor>[] | undefined;
  if (error === undefined && (typeof outputs !== 'object' || outputs === null)) {
    error = new InferoxError(ErrorCode.BACKEND_ERROR, `executor ${executor} of ${name} returned ${String(outputs)} instead of named tensors`);
  } else if (outputs) {
    try {
      parts = batch ? splitOutputs(outputs, batch, `run of ${name}`) : [outputs];
    } catch (splitError) {
      error = splitError;
    }
  }
  if (batch) for (const tensor of Object.values(batch.feeds)) tensor.dispose();
  return { parts, error };
}

/** A queued request: when it expires (the nearer of its timeout and deadline) and as which code. */
export function newEntry(init: {
  readonly seq: number;
  readonly rank: number;
  readonly feeds: TensorMap;
  readonly cost: number;
  readonly key: string | undefined;
  readonly now: number;
  readonly deadline: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly sink: ResultSink;
  readonly signal: AbortSignal | undefined;
}): Entry {
  const timeoutAt = init.timeoutMs === undefined ? Number.POSITIVE_INFINITY : init.now + init.timeoutMs;
  const deadlineAt = init.deadline ?? Number.POSITIVE_INFINITY;
  return {
    seq: init.seq,
    rank: init.rank,
    feeds: init.feeds,
    cost: init.cost,
    enqueuedAt: init.now,
    key: init.key,
    expiresAt: Math.min(timeoutAt, deadlineAt),
    expiryCode: deadlineAt <= timeoutAt ? ErrorCode.DEADLINE_EXCEEDED : ErrorCode.TIMEOUT,
    sink: init.sink,
    signal: init.signal,
    state: 'queued',
    node: undefined,
    timer: undefined,
    onAbort: undefined,
    execution: undefined,
  };
}

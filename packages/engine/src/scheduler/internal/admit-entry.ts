import { ErrorCode, InferoxError, type TensorMap, abortError } from '@inferox/core';
import type { SubmitOptions } from '../scheduler-contract';
import type { BatchKeyCache } from './batch-key-cache';
import { type CheckedSubmit, checkSubmit } from './check-submit';
import { type Entry, type ResultSink, formatInstant, newEntry } from './scheduler-entry';

/** What a scheduler knows when a request arrives, to admit it or refuse it. */
export interface Admission {
  readonly scheduler: string;
  readonly closing: boolean;
  /** The admission pool's whole capacity. */
  readonly capacity: number;
  readonly queued: number;
  readonly maxQueueSize: number;
  /** The batching scheduler's keys; undefined when it does not batch. */
  readonly keys: BatchKeyCache | undefined;
  /** Numbers requests in arrival order (the admission pool, shared by its schedulers). */
  readonly sequence: { nextSeq(): number };
}

/**
 * The queue entry of a submitted request, or the typed error refusing it: closed (`SHUT_DOWN`), bad options
 * (`INVALID_INPUT`), already aborted, past its deadline (`DEADLINE_EXCEEDED`), costlier than the whole pool
 * (`OUT_OF_MEMORY`), or a full queue (`QUEUE_FULL`).
 */
export function admitEntry(at: Admission, feeds: TensorMap, options: SubmitOptions, sink: ResultSink): Entry {
  if (at.closing) throw new InferoxError(ErrorCode.SHUT_DOWN, `scheduler ${JSON.stringify(at.scheduler)} is closed; no request is accepted`);
  return admitChecked(at, feeds, checkSubmit(at.scheduler, feeds, options), sink);
}

/** The scheduler's name as messages show it; quoted only for a refusal, since admission runs on every queued request. */
const quoted = (at: Admission): string => JSON.stringify(at.scheduler);

/** {@link admitEntry} for options already checked: the admission checks alone. */
export function admitChecked(at: Admission, feeds: TensorMap, checked: CheckedSubmit, sink: ResultSink): Entry {
  if (at.closing) throw new InferoxError(ErrorCode.SHUT_DOWN, `scheduler ${quoted(at)} is closed; no request is accepted`);
  const { rank, cost, deadline, timeoutMs, signal } = checked;
  if (signal?.aborted) throw abortError(signal, `request to ${quoted(at)}`);
  const now = Date.now();
  if (deadline !== undefined && deadline <= now) {
    throw new InferoxError(ErrorCode.DEADLINE_EXCEEDED, `request to ${quoted(at)} arrived after its deadline (${formatInstant(deadline)})`, {
      details: { deadline, now },
    });
  }
  if (cost > at.capacity) {
    throw new InferoxError(ErrorCode.OUT_OF_MEMORY, `request to ${quoted(at)} costs ${cost}, more than the admission pool's whole capacity of ${at.capacity}`, {
      details: { cost, capacity: at.capacity },
    });
  }
  const limit = at.maxQueueSize;
  if (at.queued >= limit) {
    throw new InferoxError(ErrorCode.QUEUE_FULL, `queue of ${quoted(at)} is full: ${limit} requests wait (maxQueueSize ${limit})`, {
      details: { maxQueueSize: limit },
    });
  }
  const key = at.keys?.of(feeds);
  return newEntry({ seq: at.sequence.nextSeq(), rank, feeds, cost, key, now, deadline, timeoutMs, sink, signal });
}

import type { ModelSignature } from '@inferox/core';
import type { TextModelInfo, TextTask } from '@inferox/text';

/** One model a worker serves, as it announces it. */
export interface QueueModelAnnouncement {
  readonly name: string;
  /** `tensor` for engine models; the text task for text models (which answer `embed`/`classify`/`rerank`). */
  readonly kind: 'tensor' | TextTask;
  readonly version?: number;
  readonly signature?: ModelSignature | null;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly text?: TextModelInfo;
}

/** A live worker's announcement (refreshed every heartbeat). */
export interface QueueWorkerInfo {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly models: readonly QueueModelAnnouncement[];
  /** Jobs it runs at once, per model. */
  readonly concurrency: number;
  /** Jobs it is running now. */
  readonly active: number;
  readonly completed: number;
  readonly failed: number;
  /** Epoch ms. */
  readonly startedAt: number;
  /** Epoch ms of this announcement. */
  readonly heartbeatAt: number;
}

/** Depth of one model's queue. */
export interface QueueDepth {
  readonly model: string;
  /** Jobs waiting to start (BullMQ `wait` + `prioritized`). */
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  /** Finished jobs Redis still keeps (retention). */
  readonly completed: number;
  readonly failed: number;
}

/** Summary of observed times, in ms. */
export interface TimeSummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly mean: number;
}

/** What {@link QueueClient.stats} returns. */
export interface QueueStats {
  readonly queue: string;
  /** Depth per model queue this client knows of (used or announced by a worker). */
  readonly depth: readonly QueueDepth[];
  readonly workers: readonly QueueWorkerInfo[];
  /** Time jobs answered to this client waited in Redis before a worker took them (last 1024 jobs). */
  readonly waitMs: TimeSummary;
  /** Requests this client settled, by outcome (`ok` or an error code). */
  readonly outcomes: Readonly<Record<string, number>>;
}

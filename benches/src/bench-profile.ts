/** The BERT sizes of tools/src/generate-bert-checkpoint.ts (`tiny` is the fixture). */
export type BertSizeName = 'tiny' | 'small' | 'base-width';

/** Sizes and rounds of every scenario; {@link benchProfile} gives the full and the quick set. */
export interface BenchProfile {
  readonly quick: boolean;
  /**
   * Scenario 1: batch 1, `seq` tokens; per model, `warmup` rounds then as many of at most `rounds` as fit in
   * `budgetMs`. The tiny model is also measured at `goalSeq` tokens, where issue 19 sets the engine's own cost.
   */
  readonly overhead: { readonly models: readonly BertSizeName[]; readonly seq: number; readonly goalSeq: number; readonly rounds: number; readonly warmup: number; readonly budgetMs: number };
  /** Scenario 2: closed-loop clients per concurrency level, `rounds` interleaved rounds per level and setup. */
  readonly throughput: {
    readonly model: BertSizeName;
    readonly seq: number;
    readonly concurrency: readonly number[];
    readonly rounds: number;
    /** Requests of one round: `max(minRequests, clients * requestsPerClient)`. */
    readonly requestsPerClient: number;
    readonly minRequests: number;
    readonly maxBatchSize: number;
    readonly maxQueueDelayMs: number;
  };
  /** Scenario 3: text → embedding, `tokens` tokens per text. */
  readonly transformers: { readonly model: BertSizeName; readonly tokens: number; readonly rounds: number; readonly warmup: number; readonly clients: number; readonly requestsPerClient: number; readonly throughputRounds: number };
  /** Scenario 4: per batch size, `rounds` interleaved calls. */
  readonly tfjs: { readonly model: BertSizeName; readonly seq: number; readonly batchSizes: readonly number[]; readonly rounds: number; readonly warmup: number };
  /** Scenario 5. */
  readonly memory: { readonly models: readonly BertSizeName[]; readonly cycles: number };
  /** Scenario 6: the generated file's size, download rounds per downloader, cached lookups per downloader. */
  readonly hub: { readonly bytes: number; readonly rounds: number; readonly cachedLookups: number };
  /** Scenario 7. */
  readonly stress: { readonly requests: number; readonly seq: number; readonly rounds: number; readonly maxBatchSize: number };
}

/**
 * The sizes of a full run (under ~15 minutes on 2 cores) or of a quick pass (`--quick`, under 3 minutes): the quick
 * pass keeps every scenario and every comparison but uses fewer rounds, a smaller download and smaller models.
 */
export function benchProfile(quick: boolean): BenchProfile {
  return quick
    ? {
        quick,
        overhead: { models: ['tiny', 'base-width'], seq: 128, goalSeq: 16, rounds: 300, warmup: 10, budgetMs: 4_000 },
        throughput: { model: 'tiny', seq: 128, concurrency: [1, 2, 4, 8, 16, 32, 64], rounds: 2, requestsPerClient: 2, minRequests: 24, maxBatchSize: 16, maxQueueDelayMs: 2 },
        transformers: { model: 'small', tokens: 64, rounds: 60, warmup: 10, clients: 16, requestsPerClient: 4, throughputRounds: 2 },
        tfjs: { model: 'tiny', seq: 16, batchSizes: [1, 4, 8, 16, 32], rounds: 5, warmup: 1 },
        memory: { models: ['tiny', 'base-width'], cycles: 20 },
        hub: { bytes: 64 * 2 ** 20, rounds: 1, cachedLookups: 20 },
        stress: { requests: 10_000, seq: 16, rounds: 3, maxBatchSize: 32 },
      }
    : {
        quick,
        overhead: { models: ['tiny', 'small', 'base-width'], seq: 128, goalSeq: 16, rounds: 1000, warmup: 30, budgetMs: 40_000 },
        throughput: { model: 'tiny', seq: 128, concurrency: [1, 2, 4, 8, 16, 32, 64], rounds: 3, requestsPerClient: 4, minRequests: 48, maxBatchSize: 16, maxQueueDelayMs: 2 },
        transformers: { model: 'small', tokens: 64, rounds: 200, warmup: 20, clients: 16, requestsPerClient: 8, throughputRounds: 3 },
        tfjs: { model: 'tiny', seq: 64, batchSizes: [1, 4, 8, 16, 32], rounds: 10, warmup: 1 },
        memory: { models: ['tiny', 'small', 'base-width'], cycles: 50 },
        hub: { bytes: 2 ** 30, rounds: 2, cachedLookups: 50 },
        stress: { requests: 10_000, seq: 16, rounds: 3, maxBatchSize: 32 },
      };
}

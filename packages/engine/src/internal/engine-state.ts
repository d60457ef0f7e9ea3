import type { Logger } from '@inferox/core';
import type { ResolvedEngineConfig } from '../engine-config';
import type { AdmissionPool } from '../scheduler/admission-pool-contract';
import { BackgroundTasks } from './background-tasks';
import type { BackendRegistry } from './backend-registry';
import { type CountRecord, EngineCounters } from './engine-counters';
import { MemoryLedger } from './memory-ledger';
import { ModelTable } from './model-table';
import type { Replica } from './replica';
import type { VersionEntry } from './version-entry';

/**
 * Where the engine is in its life: `open`; `draining` once `close()` was called (new work gets `SHUT_DOWN`, work
 * already admitted continues); `stopped` once the drain is over (admitted work gets `SHUT_DOWN` at its next step).
 */
export type EnginePhase = 'open' | 'draining' | 'stopped';

/** An explicit load in progress (not installed yet), so unload can cancel it. */
export interface PendingLoad {
  readonly entry: VersionEntry;
  readonly cancel: AbortController;
  readonly settled: Promise<void>;
}

/** Cached metric series of one replica's successful requests (the hot path). */
export interface ReplicaSeries {
  readonly success: CountRecord<'model' | 'backend' | 'outcome'>;
  readonly queue: { observe(value: number): void };
  readonly compute: { observe(value: number): void };
}

/** Everything the engine's parts share: the state, apart from the behaviour (which lives in one file per concept). */
export class EngineState {
  readonly config: ResolvedEngineConfig;
  readonly logger: Logger;
  readonly registry: BackendRegistry;
  readonly pool: AdmissionPool | undefined;
  readonly table = new ModelTable();
  readonly ledger = new MemoryLedger();
  readonly counters: EngineCounters;
  readonly background = new BackgroundTasks();
  /** Every replica created and not yet disposed (including those draining after a swap, unload or eviction). */
  readonly replicas = new Set<Replica>();
  /** Aborted when the drain ends: lazy loads and waits for them stop. */
  readonly lifetime = new AbortController();
  readonly pendingLoads = new Set<PendingLoad>();
  readonly #series = new WeakMap<Replica, ReplicaSeries>();
  phase: EnginePhase = 'open';
  #sessions = 0;

  constructor(config: ResolvedEngineConfig, logger: Logger, registry: BackendRegistry, pool: AdmissionPool | undefined) {
    this.config = config;
    this.logger = logger;
    this.registry = registry;
    this.pool = pool;
    this.counters = new EngineCounters({
      replicas: () =>
        this.table.liveReplicas().map((r) => ({ model: r.model, version: r.version, backend: r.backend, queued: r.scheduler.queued, running: r.scheduler.running, memoryBytes: r.memoryBytes })),
      heldBytes: () => this.ledger.held(),
      budgetBytes: () => config.maxMemoryBytes ?? null,
    });
  }

  /** Whether the drain is over (admitted work gets `SHUT_DOWN` at its next step). */
  get stopped(): boolean {
    return this.phase === 'stopped';
  }

  /** A new session number. */
  nextSessionId(): number {
    this.#sessions += 1;
    return this.#sessions;
  }

  /** The metric series of `replica`'s requests, made once per replica. */
  seriesOf(replica: Replica): ReplicaSeries {
    let series = this.#series.get(replica);
    if (!series) {
      const { model, backend } = replica;
      series = {
        success: this.counters.requests.of({ model, backend, outcome: 'success' }),
        queue: this.counters.queueSeconds.series({ model, backend }),
        compute: this.counters.computeSeconds.series({ model, backend }),
      };
      this.#series.set(replica, series);
    }
    return series;
  }
}

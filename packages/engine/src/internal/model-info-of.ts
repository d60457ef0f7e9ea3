import type { MemoryFigure, ModelInfo, ReplicaInfo } from '../model-info';
import type { ModelTable } from './model-table';
import type { VersionEntry } from './version-entry';

/** The sum of several memory figures: estimated when any of them is. */
function sumMemory(figures: readonly MemoryFigure[]): MemoryFigure {
  const bytes = figures.reduce((n, f) => n + f.bytes, 0);
  const bases = [...new Set(figures.flatMap((f) => (f.basis ? [f.basis] : [])))];
  return figures.some((f) => f.estimated) ? { bytes, estimated: true, basis: bases.join('; ') } : { bytes, estimated: false };
}

/** A snapshot of one model version for `info()`, `list()` and `stats()`. */
export function modelInfoOf(table: ModelTable, entry: VersionEntry): ModelInfo {
  const first = entry.replicas[0];
  const versions = table.versionsOf(entry.name);
  const replicas: ReplicaInfo[] = [
    ...entry.replicas.map((r) => r.info()),
    ...(entry.unavailable ?? []).map(({ backend, error }) => ({
      backend,
      device: 'none',
      memoryBytes: 0,
      memory: { bytes: 0, estimated: false },
      instances: { count: 0, mode: entry.spec?.instances?.mode ?? ('inline' as const) },
      queued: 0,
      running: 0,
      unavailable: error.message,
    })),
  ];
  const memory = sumMemory(entry.replicas.map((r) => r.memory));
  return {
    name: entry.name,
    version: entry.version,
    versions: versions.length > 0 ? versions : [entry.version],
    state: entry.state,
    signature: first?.signature ?? null,
    metadata: first?.metadata ?? {},
    replicas,
    memoryBytes: memory.bytes,
    memory,
    lastUsedAt: entry.lastUsedAt,
  };
}

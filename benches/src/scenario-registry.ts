import type { Scenario } from './scenario';

/**
 * A scenario as the registry knows it before its module loads: a scenario's module imports what it measures
 * (tfjs, transformers.js, Fastify, BullMQ), and each scenario runs in its own process, which then loads only its own.
 */
export interface ScenarioEntry {
  readonly id: string;
  readonly number: number;
  readonly title: string;
  load(): Promise<Scenario>;
}

/** Every scenario, in the issue's order (the registry test checks each entry against the module it loads). */
export const SCENARIOS: readonly ScenarioEntry[] = [
  { id: 'overhead', number: 1, title: '1. Engine overhead vs raw onnxruntime-node', load: async () => (await import('./scenarios/engine-overhead')).engineOverhead },
  { id: 'throughput', number: 2, title: '2. Throughput and latency vs concurrency', load: async () => (await import('./scenarios/throughput')).throughput },
  { id: 'transformers', number: 3, title: '3. Text → embedding vs transformers.js', load: async () => (await import('./scenarios/transformers-js')).transformersJs },
  { id: 'tfjs', number: 4, title: '4. tfjs runtimes (wasm, cpu) vs onnx', load: async () => (await import('./scenarios/tfjs-runtimes')).tfjsRuntimes },
  { id: 'memory', number: 5, title: '5. Memory per model and across load/unload cycles', load: async () => (await import('./scenarios/memory')).memory },
  { id: 'hub', number: 6, title: '6. hub-cache downloads vs @huggingface/hub and plain fetch', load: async () => (await import('./scenarios/hub-download')).hubDownload },
  { id: 'stress', number: 7, title: '7. Stress: 10,000 concurrent requests on the tiny model', load: async () => (await import('./scenarios/stress')).stress },
  { id: 'server', number: 8, title: '8. HTTP server (inferox serve) vs in-process and vs transformers.js behind Fastify', load: async () => (await import('./scenarios/server-http')).serverHttp },
  { id: 'queue', number: 9, title: '9. Scale-out over Redis (BullMQ): worker processes, added latency, tiny BERT', load: async () => (await import('./scenarios/queue-scale-out')).queueScaleOut },
  { id: 'text', number: 10, title: '10. @inferox/text embeddings vs transformers.js', load: async () => (await import('./scenarios/text-embeddings')).textEmbeddings },
  { id: 'batching', number: 11, title: '11. Dynamic batching vs the limit (pre-formed batches)', load: async () => (await import('./scenarios/batching-efficiency')).batchingEfficiency },
  { id: 'workers', number: 12, title: '12. Worker instances vs the two-core limit, and the hand-off per call', load: async () => (await import('./scenarios/worker-handoff')).workerHandoff },
  { id: 'defaults', number: 13, title: '13. Defaults vs tuned settings', load: async () => (await import('./scenarios/defaults')).defaults },
];

/**
 * The scenarios `--only` names (by id or number), in registry order; all of them when `only` is absent.
 *
 * @throws Error naming each unknown id and listing the known ones.
 */
export function selectScenarios<S extends { readonly id: string; readonly number: number }>(only: readonly string[] | undefined, scenarios: readonly S[]): S[] {
  if (!only) return [...scenarios];
  const unknown = only.filter((key) => !scenarios.some((s) => s.id === key || String(s.number) === key));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario ${unknown.map((k) => JSON.stringify(k)).join(', ')}; known: ${scenarios.map((s) => `${s.number} ${s.id}`).join(', ')}`);
  }
  return scenarios.filter((s) => only.includes(s.id) || only.includes(String(s.number)));
}

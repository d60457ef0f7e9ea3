import type { Engine } from '@inferox/engine';
import type { TextModelStats } from '../text-model';

/** What a registered text model reports to the engine's registry. */
export interface MetricsSource {
  readonly name: string;
  stats(): TextModelStats;
}

/** Text models per engine registry; the collectors read them when the registry is scraped. */
const sources = new WeakMap<object, Set<MetricsSource>>();

const COUNTERS = [
  { name: 'inferox_text_real_tokens_total', help: 'Tokens of the sequences text models ran (special tokens included).', pick: (s: TextModelStats) => s.realTokens },
  { name: 'inferox_text_padded_tokens_total', help: 'Tokens text models computed: longest sequence × batch size, summed over batches.', pick: (s: TextModelStats) => s.paddedTokens },
  { name: 'inferox_text_batches_total', help: 'Batches text models formed.', pick: (s: TextModelStats) => s.batches },
] as const;

/**
 * Adds a text model's batching counters to the engine's prom-client registry (`inferox_text_real_tokens_total`,
 * `inferox_text_padded_tokens_total`, `inferox_text_batches_total`, labelled by model), so padding waste is
 * `1 - real / padded` in the engine's metrics too. Collectors are duck-typed (text does not depend on prom-client)
 * and read the counters only when scraped.
 *
 * @returns a function that removes the model again.
 */
export function registerTextMetrics(engine: Engine, source: MetricsSource): () => void {
  const registry = engine.metrics as unknown as { registerMetric(metric: unknown): void };
  let set = sources.get(registry);
  if (!set) {
    const models = new Set<MetricsSource>();
    set = models;
    sources.set(registry, models);
    for (const counter of COUNTERS) {
      registry.registerMetric({
        name: counter.name,
        help: counter.help,
        type: 'counter',
        aggregator: 'sum',
        get: () =>
          Promise.resolve({
            name: counter.name,
            help: counter.help,
            type: 'counter',
            aggregator: 'sum',
            values: [...models].map((m) => ({ labels: { model: m.name }, value: counter.pick(m.stats()) })),
          }),
        reset: () => {},
      });
    }
  }
  const live = set;
  live.add(source);
  return () => void live.delete(source);
}

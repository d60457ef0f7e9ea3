import type { Scenario } from './scenario';
import { engineOverhead } from './scenarios/engine-overhead';
import { throughput } from './scenarios/throughput';
import { transformersJs } from './scenarios/transformers-js';
import { tfjsRuntimes } from './scenarios/tfjs-runtimes';
import { memory } from './scenarios/memory';
import { hubDownload } from './scenarios/hub-download';
import { stress } from './scenarios/stress';
import { textEmbeddings } from './scenarios/text-embeddings';
import { serverHttp } from './scenarios/server-http';
import { queueScaleOut } from './scenarios/queue-scale-out';
import { workerHandoff } from './scenarios/worker-handoff';
import { batchingEfficiency } from './scenarios/batching-efficiency';
import { defaults } from './scenarios/defaults';

/** Every scenario, in the issue's order. */
export const SCENARIOS: readonly Scenario[] = [engineOverhead, throughput, transformersJs, tfjsRuntimes, memory, hubDownload, stress, serverHttp, queueScaleOut, textEmbeddings, batchingEfficiency, workerHandoff, defaults];

/**
 * The scenarios `--only` names (by id or number), in registry order; all of them when `only` is absent.
 *
 * @throws Error naming each unknown id and listing the known ones.
 */
export function selectScenarios(only: readonly string[] | undefined, scenarios: readonly Scenario[] = SCENARIOS): Scenario[] {
  if (!only) return [...scenarios];
  const unknown = only.filter((key) => !scenarios.some((s) => s.id === key || String(s.number) === key));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario ${unknown.map((k) => JSON.stringify(k)).join(', ')}; known: ${scenarios.map((s) => `${s.number} ${s.id}`).join(', ')}`);
  }
  return scenarios.filter((s) => only.includes(s.id) || only.includes(String(s.number)));
}

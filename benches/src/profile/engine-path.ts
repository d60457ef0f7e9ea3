/**
 * Issue 19, bursts: the engine's own cost per queued request with no model behind it. A ManagedModelHandle whose
 * runner answers at once with one new [1, 16, 64] float32 output (about what the tiny BERT's run allocates) is
 * registered in an engine; a burst of N requests is drained, and its process CPU per request is set beside the same
 * burst sent straight to the handle's runner under Promise.all. Sides alternate; medians of the rounds.
 *
 *   cd benches && node --expose-gc --import tsx src/profile/engine-path.ts [requests=10000] [rounds=7]
 */
import { createEngine } from '@inferox/engine';
import { settleAll } from '../internal/settle-all';
import { stubBert, stubBertFeeds } from './stub-bert';
import { quantile } from '../stats';

const { runner, handle } = stubBert();
const feeds = stubBertFeeds();

const [requestsText = '10000', roundsText = '7'] = process.argv.slice(2);
const requests = Number(requestsText);
const engine = createEngine({ backends: [], config: { maxQueueSize: requests } });
await engine.register('stub', handle, {});
const sides: Record<string, () => Promise<unknown>> = {
  runner: () => runner.run(feeds, ['last_hidden_state'], undefined as never),
  engine: () => engine.infer('stub', feeds),
};
const cpu: Record<string, number[]> = { runner: [], engine: [] };
for (const side of Object.keys(sides)) await settleAll(1000, sides[side]!, 60_000);
for (let round = 0; round < Number(roundsText); round++) {
  for (const side of round % 2 === 0 ? Object.keys(sides) : Object.keys(sides).reverse()) {
    (globalThis as { gc?: () => void }).gc?.();
    const c0 = process.cpuUsage();
    const outcome = await settleAll(requests, sides[side]!, 60_000);
    const c = process.cpuUsage(c0);
    if (outcome.fulfilled !== requests) throw new Error(`${side}: ${JSON.stringify(outcome.errors)}`);
    cpu[side]!.push((c.user + c.system) / requests);
  }
}
const med = (xs: number[]): number => Math.round(quantile(xs, 0.5) * 100) / 100;
console.log(JSON.stringify({ runnerCpuUsPerRequest: med(cpu.runner!), engineCpuUsPerRequest: med(cpu.engine!), engineAddsUs: Math.round((med(cpu.engine!) - med(cpu.runner!)) * 100) / 100 }));
await engine.close();

/* v8 ignore file -- @preserve test support: runs in a child process, where coverage is not collected */
/**
 * Run by engine-onnx.test.ts as
 * `runTsChild(shutdown-child.fixture.ts, [<mlp dir>, inline|worker])` (ts-child.fixture.ts): creates an
 * engine on the real onnx backend (with worker-thread instances in `worker` mode), queues work, closes it, reports
 * what settled on stdout and then simply returns. The process must exit by itself: any timer, handle or worker
 * thread left behind keeps it alive.
 */
import { stdout } from 'node:process';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createEngine } from './engine';
import { mlpFeeds } from './real-models.fixture';

const source = process.argv[2]!;
const instances = process.argv[3] === 'worker' ? { instances: { count: 2, mode: 'worker' as const } } : {};
const engine = createEngine({ backends: [createOnnxBackend()], config: { defaultTimeoutMs: 60_000 } });
await engine.load('mlp', { source, batching: { maxBatchSize: 8, maxQueueDelayMs: 5 }, ...instances });
await engine.load('lazy', { source, lazy: true, ...instances });
const work = Array.from({ length: 40 }, (_, i) => engine.infer(i % 2 ? 'mlp' : 'lazy', mlpFeeds(i)));
const closing = engine.close({ drain: true, timeoutMs: 60_000 });
const settled = await Promise.allSettled(work);
await closing;
const codes = settled.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code));
stdout.write(`${JSON.stringify({ settled: settled.length, codes })}\n`);

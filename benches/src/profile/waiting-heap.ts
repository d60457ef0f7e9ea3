/**
 * Issue 19, bursts: the heap a request holds while it waits in an engine's queue. N requests are sent to a stub model
 * whose one run does not return until they are all queued; the live heap after a full GC, before and after, over N.
 * Every waiting request's objects survive each scavenge of a burst, so this is what the garbage collector copies.
 *
 *   cd benches && node --expose-gc --import tsx src/profile/waiting-heap.ts [requests=10000]
 *
 * `SNAP=file.heapsnapshot` also writes a heap snapshot while they wait (open it in Chrome's DevTools, Memory tab).
 * The figure includes the 8 bytes of this script's array slot per request.
 */
import { createEngine } from '@inferox/engine';
import { writeHeapSnapshot } from 'node:v8';
import { stubBert, stubBertFeeds } from './stub-bert';

let open: () => void = () => undefined;
const gate = new Promise<void>((resolve) => (open = resolve));
const { handle } = stubBert(() => gate);
const feeds = stubBertFeeds();
const requests = Number(process.argv[2] ?? '10000');
const engine = createEngine({ backends: [], config: { maxQueueSize: requests } });
await engine.register('stub', handle, {});
const gc = (globalThis as { gc?: () => void }).gc!;
gc();
const before = process.memoryUsage().heapUsed;
const pending: Promise<unknown>[] = [];
for (let i = 0; i < requests; i++) pending.push(engine.infer('stub', feeds));
gc();
const after = process.memoryUsage().heapUsed;
if (process.env.SNAP) writeHeapSnapshot(process.env.SNAP);
open();
await Promise.all(pending);
console.log(JSON.stringify({ requests, bytesPerWaitingRequest: Math.round((after - before) / requests) }));
await engine.close();

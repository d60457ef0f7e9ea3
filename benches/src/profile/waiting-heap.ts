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
import { ManagedModelHandle, type ModelRunner, Tensor, type TensorMap } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { writeHeapSnapshot } from 'node:v8';

const SEQ = 16;
let open: () => void = () => undefined;
const gate = new Promise<void>((resolve) => (open = resolve));
const runner: ModelRunner = {
  run: async () => {
    await gate;
    return { last_hidden_state: Tensor.from('float32', new Float32Array(SEQ * 64), [1, SEQ, 64]) };
  },
  release: async () => undefined,
};
const input = (name: string) => ({ name, dtype: 'int64' as const, shape: ['batch', 'sequence'] });
const handle = new ManagedModelHandle({
  name: 'stub',
  backend: 'stub',
  device: { kind: 'cpu' },
  signature: { inputs: [input('input_ids'), input('attention_mask'), input('token_type_ids')], outputs: [{ name: 'last_hidden_state', dtype: 'float32', shape: ['batch', 'sequence', 64] }] },
  memoryBytes: 0,
  runner,
});
const ids = (): Tensor => Tensor.from('int64', BigInt64Array.from({ length: SEQ }, (_, i) => BigInt(i + 1)), [1, SEQ]);
const feeds: TensorMap = { input_ids: ids(), attention_mask: ids(), token_type_ids: ids() };
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

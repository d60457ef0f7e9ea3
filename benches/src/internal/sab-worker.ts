// A worker thread of the shared-memory pool (src/internal/sab-pool.ts): one raw onnxruntime-node session, fed and
// answered through a SharedArrayBuffer laid out by sab-layout.ts, woken with Atomics (no message per run). Blocking
// in Atomics.wait is fine here: nothing else runs on this thread. Loads .ts through the worker loader the bench and
// tests preload.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { CONTROL, MODE, SLOT_WORD, STATUS, type SabReady, type SabWorkerData, sabLayout, sabViews, slotWord } from './sab-layout';

const data = workerData as SabWorkerData;
const now = (): number => performance.timeOrigin + performance.now();
const session = await ort.InferenceSession.create(data.onnxPath, { intraOpNumThreads: data.threads, interOpNumThreads: 1, executionProviders: ['cpu'] });

// onnxruntime-node refuses a tensor over a SharedArrayBuffer ("Invalid argument" from session.run), so the feeds are
// copied from the slot into these arrays (3 × seq int64, a few KB) and the tensors over them are made once.
const local = session.inputNames.map(() => new BigInt64Array(data.seq));
const feeds = Object.fromEntries(session.inputNames.map((name, i) => [name, new ort.Tensor('int64', local[i]!, [1, data.seq])]));

// A first run on zero feeds tells the outputs' dims (and warms the session up).
const probe = await session.run(feeds);
const layout = sabLayout(
  data.depth,
  data.seq,
  session.inputNames,
  session.outputNames.map((name) => ({ name, dims: probe[name]!.dims })),
);
const buffer = new SharedArrayBuffer(layout.byteLength);
const { control, slots } = sabViews(buffer, layout);
// An echo copies an output-sized array into the slot, as a run copies its outputs.
const echoOutputs = layout.outputs.map((o) => new Float32Array(o.length));
const encoder = new TextEncoder();

parentPort!.postMessage({ type: 'ready', buffer, layout } satisfies SabReady);

async function answer(slot: number): Promise<void> {
  const views = slots[slot]!;
  if (Atomics.load(control, slotWord(slot, SLOT_WORD.mode)) === MODE.echo) {
    views.times[0] = now();
    for (let i = 0; i < echoOutputs.length; i++) views.outputs[i]!.set(echoOutputs[i]!);
    Atomics.store(control, slotWord(slot, SLOT_WORD.status), STATUS.ok);
    views.times[1] = now();
    return;
  }
  try {
    for (let i = 0; i < local.length; i++) local[i]!.set(views.inputs[i]!);
    const outputs = await session.run(feeds);
    for (let i = 0; i < layout.outputs.length; i++) views.outputs[i]!.set(outputs[layout.outputs[i]!.name]!.data as Float32Array);
    Atomics.store(control, slotWord(slot, SLOT_WORD.status), STATUS.ok);
  } catch (error) {
    const { written } = encoder.encodeInto(error instanceof Error ? error.message : String(error), views.error);
    Atomics.store(control, slotWord(slot, SLOT_WORD.errorBytes), written);
    Atomics.store(control, slotWord(slot, SLOT_WORD.status), STATUS.failed);
  }
}

let done = 0;
for (;;) {
  // Sleeps while no request is waiting; a request written meanwhile makes this return at once.
  Atomics.wait(control, CONTROL.request, done);
  if (Atomics.load(control, CONTROL.close) !== 0) break;
  const requested = Atomics.load(control, CONTROL.request);
  while (done < requested) {
    await answer(done % layout.depth);
    done++;
    Atomics.store(control, CONTROL.done, done);
    Atomics.notify(control, CONTROL.done);
  }
}
await session.release();

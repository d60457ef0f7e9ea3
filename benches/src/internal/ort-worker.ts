// A worker thread holding one raw onnxruntime-node session: the two-core limit of scenario 12 (runs back to back,
// no messages per run), a hand-written worker pool (one message each way per run), and an echo for timing the
// hand-off itself. Started by ort-threads.ts; loads .ts through the worker loader the bench and tests preload.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { bertFeeds } from './bert-feeds';
import type { OrtThreadData, ToOrtThread } from './ort-thread-protocol';

const port = parentPort!;
const data = workerData as OrtThreadData;
const now = (): number => performance.timeOrigin + performance.now();
const session = await ort.InferenceSession.create(data.onnxPath, { intraOpNumThreads: data.threads, interOpNumThreads: 1, executionProviders: ['cpu'] });

port.on('message', (message: ToOrtThread) => {
  void handle(message);
});

async function handle(message: ToOrtThread): Promise<void> {
  switch (message.type) {
    case 'loop': {
      // Runs back to back until the shared start + window is over; counts runs that began inside the window, and at
      // least one: a message that reached a busy thread after its window still measures a rate, not 0 runs in 0 ms.
      const feeds = bertFeeds(message.batch, message.seq).ort;
      while (now() < message.startAt) await new Promise((resolve) => setImmediate(resolve));
      const end = message.startAt + message.windowMs;
      let runs = 0;
      let last = now();
      do {
        await session.run(feeds);
        runs++;
        last = now();
      } while (last < end);
      port.postMessage({ type: 'looped', runs, ms: last - message.startAt });
      break;
    }
    case 'run': {
      const shape = [message.rows, message.seq];
      const feeds = Object.fromEntries(message.feeds.map((f) => [f.name, new ort.Tensor('int64', f.data, shape)]));
      const outputs = await session.run(feeds);
      const out = Object.entries(outputs).map(([name, t]) => ({ name, dims: t.dims, data: t.data as Float32Array }));
      port.postMessage({ type: 'ran', id: message.id, outputs: out }, out.map((o) => o.data.buffer as ArrayBuffer));
      break;
    }
    case 'echo': {
      const receivedAt = now();
      const reply = new Float32Array(message.replyFloats);
      port.postMessage({ type: 'echoed', sentAt: message.sentAt, receivedAt, repliedAt: now(), reply }, message.transfer ? [reply.buffer] : []);
      break;
    }
    case 'close':
      await session.release();
      port.close();
      break;
  }
}

port.postMessage({ type: 'ready' });

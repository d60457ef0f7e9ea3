/* v8 ignore file -- @preserve test support: runs in a child process, where coverage is not collected */
/**
 * A queue worker process for tests and benches, run as
 * `node --import tsx --conditions=@inferox/source queue-worker-process.fixture.ts '<json options>'`, or from its
 * bundle (`bundle-queue-worker.fixture.ts`) as `node <bundle> '<json options>'`.
 * It serves model `standin` on the device-bound stand-in backend (and, with `text`, text model folders on onnx),
 * prints `ready <id>` once taking jobs and `start <x0>` as each run starts. Runs whose first value is
 * {@link POISON} SIGKILL the process; runs at or above {@link HOLD} wait until the file `<gate>` exists.
 * SIGTERM closes the worker (running jobs finish) and the engine, then the process exits by itself.
 */
import { existsSync } from 'node:fs';
import { stdout } from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEngine } from '@inferox/engine';
import { createQueueWorker } from '../create-queue-worker';
import { createDeviceBoundBackend } from './device-bound-backend';
import { HOLD, POISON, type QueueWorkerProcessOptions } from './queue-worker-process';

const options = JSON.parse(process.argv[2]!) as QueueWorkerProcessOptions;
const onRun = async (first: number): Promise<void> => {
  stdout.write(`start ${first}\n`);
  if (first === POISON) process.kill(process.pid, 'SIGKILL');
  if (first >= HOLD && options.gate) while (!existsSync(options.gate)) await sleep(10);
};
// Text support is imported only when asked for, so a stand-in worker starts fast and needs nothing else.
const text = options.text ? { ...(await import('@inferox/text')), ...(await import('@inferox/onnx-backend')) } : undefined;
const engine = createEngine({ backends: [createDeviceBoundBackend({ runMs: options.runMs ?? 20, onRun }), ...(text ? [text.createOnnxBackend()] : [])] });
await engine.load('standin', { source: 'stand-in', backends: ['device-bound'] });
const textModels = text ? await Promise.all(Object.entries(options.text!).map(([name, dir]) => text.loadTextModel(engine, dir, { name, backends: ['onnx'] }))) : [];
const worker = await createQueueWorker({
  engine,
  connection: options.url,
  queue: options.queue,
  concurrency: options.concurrency ?? 1,
  models: ['standin'],
  textModels,
  ...(options.id ? { id: options.id } : {}),
  lockDurationMs: options.lockDurationMs ?? 2000,
  stalledIntervalMs: options.stalledIntervalMs ?? 500,
  maxStalledCount: options.maxStalledCount ?? 1,
  heartbeatMs: options.heartbeatMs ?? 200,
});
// The handler goes in before `ready`: until a process has a SIGTERM listener, the signal's default kills it, and a
// parent that stops the worker as soon as it is ready would otherwise race that.
process.once('SIGTERM', () => {
  void worker.close().then(async () => {
    for (const m of textModels) await m.dispose();
    await engine.close();
    stdout.write('closed\n');
  });
});
stdout.write(`ready ${worker.id}\n`);

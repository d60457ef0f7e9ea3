/**
 * Scenario 9's floor for the latency the queue adds: a worker process with BullMQ and nothing of Inferox. Its
 * processor waits the same 0 ms timer as the stand-in backend and returns the job's data, so a round trip through it
 * is `Queue.add`, the Worker's fetch, the run and BullMQ's `completed` event, and no tensor coding, engine or text.
 *
 *   node --import tsx bare-bullmq-worker.ts <redis url> <queue name>
 *
 * Prints `ready` once BullMQ takes jobs; SIGTERM closes the worker (the handler is in before `ready`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'bullmq';
import { bareConnection } from './bare-bullmq';

const [url, queue] = process.argv.slice(2) as [string, string];
const worker = new Worker(
  queue,
  async (job) => {
    await sleep(0);
    return job.data as unknown;
  },
  { connection: bareConnection(url), concurrency: 1, autorun: false },
);
process.once('SIGTERM', () => void worker.close());
await worker.waitUntilReady();
void worker.run();
process.stdout.write('ready\n');

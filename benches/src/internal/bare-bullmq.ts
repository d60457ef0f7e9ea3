/**
 * Scenario 9's floor for the latency the queue adds: BullMQ alone. A worker process of `bare-bullmq-worker.ts` (the
 * same 0 ms timer as the stand-in backend, nothing of Inferox) and, in this process, a `Queue` that adds jobs with
 * the options the queue client gives a normal-priority request and a `QueueEvents` that sees them complete.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { type ConnectionOptions, Queue, QueueEvents } from 'bullmq';

/**
 * Connection options for `redis://host:port` (options, not a client: BullMQ then owns its connections and closes
 * them, which it does not do for a client it is given).
 */
export function bareConnection(url: string): ConnectionOptions {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port), maxRetriesPerRequest: null };
}

/** A bare BullMQ round trip and how to stop it. */
export interface BareBullmq {
  /** Adds a job carrying `data` and resolves once the worker process completed it. */
  roundTrip(data: unknown): Promise<void>;
  /** Closes the queue and its events here, then stops the worker process (SIGTERM) and waits for its exit. */
  close(): Promise<void>;
}

/** Starts the worker process on `queue` at redis `url` and resolves once it takes jobs. */
export async function startBareBullmq(url: string, queue: string): Promise<BareBullmq> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'bare-bullmq-worker.ts'), url, queue], {
    cwd: import.meta.dirname,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ready = new Promise<void>((r) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && r()));
  await Promise.race([ready, exited.then(() => Promise.reject(new Error(`the bare BullMQ worker exited before it was ready: ${err.slice(-2000)}`)))]);
  const stopChild = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const jobs = new Queue(queue, { connection: bareConnection(url) });
  const events = new QueueEvents(queue, { connection: bareConnection(url) });
  try {
    await Promise.all([jobs.waitUntilReady(), events.waitUntilReady()]);
  } catch (error) {
    // The worker process is already running: a failed connection here must not leave it behind.
    await Promise.allSettled([jobs.close(), events.close()]);
    await stopChild();
    throw error;
  }
  return {
    async roundTrip(data) {
      const job = await jobs.add('bare', data, { priority: 3, attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } });
      await job.waitUntilFinished(events);
    },
    async close() {
      await Promise.all([jobs.close(), events.close()]);
      await stopChild();
    },
  };
}

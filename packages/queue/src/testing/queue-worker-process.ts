/**
 * Spawns `queue-worker-process.fixture.ts` as a real worker process (tests and benches share it) and follows
 * what it prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The environment variable naming a bundle of the child (`bundle-queue-worker.fixture.ts`). */
export const QUEUE_WORKER_BUNDLE_ENV = 'INFEROX_QUEUE_WORKER_BUNDLE';

/** A run whose first value is this kills its worker process (SIGKILL). */
export const POISON = -1;
/** Runs whose first value is at least this wait for the gate file. */
export const HOLD = 1_000_000;

/** What the child process is told (JSON in argv). */
export interface QueueWorkerProcessOptions {
  readonly url: string;
  readonly queue: string;
  readonly concurrency?: number;
  readonly runMs?: number;
  readonly id?: string;
  readonly gate?: string;
  /** Text models to serve: name → folder (loaded on the onnx backend). */
  readonly text?: Readonly<Record<string, string>>;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly maxStalledCount?: number;
  /** @defaultValue 200 */
  readonly heartbeatMs?: number;
}

/** A running worker child. */
export interface QueueWorkerProcess {
  readonly process: ChildProcess;
  /** The first values of the runs it started, in order. */
  readonly starts: number[];
  /** Resolves once at least `count` runs started. */
  whenStarted(count: number): Promise<void>;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<number | string | null>;
  /** What it wrote to stderr. */
  stderr(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

/**
 * The child's script: next to this module when it runs from its source, and from the build (`dist/testing.js`, as
 * `npm run bench` imports it) the same file in `src/testing`. The child runs the packages from their sources.
 */
const SCRIPT = import.meta.url.endsWith('.ts') ? resolve(import.meta.dirname, 'queue-worker-process.fixture.ts') : resolve(import.meta.dirname, '../src/testing/queue-worker-process.fixture.ts');

/**
 * How node starts the child: from the bundle {@link QUEUE_WORKER_BUNDLE_ENV} names (`bundle-queue-worker.fixture.ts`:
 * the queue's tests and the scale-out bench make one), else the script through tsx, which compiles every source
 * file in each child and costs about twice the CPU.
 */
function childArgs(options: QueueWorkerProcessOptions): string[] {
  const bundle = process.env[QUEUE_WORKER_BUNDLE_ENV];
  return [...(bundle ? [bundle] : ['--import', 'tsx', '--conditions=@inferox/source', SCRIPT]), JSON.stringify(options)];
}

/** Starts a worker child and resolves once it prints `ready`. */
export async function spawnQueueWorker(options: QueueWorkerProcessOptions): Promise<QueueWorkerProcess> {
  const child = spawn(process.execPath, childArgs(options), {
    cwd: import.meta.dirname,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const starts: number[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let err = '';
  let buffer = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('ready ')) onReady();
      if (line.startsWith('start ')) starts.push(Number(line.slice(6)));
    }
    for (const w of waiters.filter((x) => starts.length >= x.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const exited = new Promise<number | string | null>((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  await Promise.race([ready, exited.then((code) => Promise.reject(new Error(`worker child exited (${String(code)}) before it was ready: ${err.slice(-2000)}`)))]);
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    process: child,
    starts,
    whenStarted: (count) => (starts.length >= count ? Promise.resolve() : new Promise((r) => waiters.push({ count, resolve: r }))),
    exited,
    stderr: () => err,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

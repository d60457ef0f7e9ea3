/**
 * Starts a real `redis-server` (Debian's package) on a free port with its own temporary directory and append-only
 * file, for tests and benches. No mock: BullMQ's Lua scripts, blocking reads and stalled-job checks run for real.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running redis-server; see {@link startRedisServer}. */
export interface RedisServer extends AsyncDisposable {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Its working directory (append-only file and dumps). */
  readonly dir: string;
  /** Stops it the way an operator would (SIGTERM: the append-only file is flushed) and starts it again on the same port and directory. */
  restart(): Promise<void>;
  /** Stops it (SIGTERM) without starting it again. */
  stopServer(): Promise<void>;
  /** Starts it again after {@link RedisServer.stopServer}. */
  startServer(): Promise<void>;
  /** Stops it and deletes its directory. Idempotent. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--logfile', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.resume();
    child.once('error', (error) => reject(new Error(`cannot start redis-server (is the redis-server package installed?): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready: ${output.slice(-500)}`)));
  });
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Starts redis-server on a free 127.0.0.1 port with `--appendonly yes --save ''` in a fresh temporary directory.
 *
 * @example
 * ```ts
 * const redis = await startRedisServer();
 * try { ... redis.url ... } finally { await redis.stop(); }
 * ```
 */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'inferox-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    child = await launch(port, dir).catch((error: unknown) => {
      if (attempt === 4) throw error;
      return undefined;
    });
  }
  let stopped = false;
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async stopServer() {
      if (child) await terminate(child);
    },
    async startServer() {
      child = await launch(port, dir);
    },
    async restart() {
      await server.stopServer();
      await server.startServer();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stopServer();
      await rm(dir, { recursive: true, force: true });
    },
    [Symbol.asyncDispose]: () => server.stop(),
  };
  return server;
}

/**
 * Test support: runs a TypeScript script of the engine's tests in a child process, from sources (tsx on the main
 * thread, the `@inferox/source` condition, and the worker-thread loader of ts-worker-loader.fixture.mjs), and
 * collects its exit code and output. The child must exit by itself.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LOADER = fileURLToPath(new URL('./workers/ts-worker-loader.fixture.mjs', import.meta.url));

/** Runs `script` with `args`; resolves when the process has exited (`signal` set when a signal ended it). */
export function runTsChild(script: string, args: readonly string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@inferox/source', '--require', LOADER, script, ...args], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((done) => child.on('exit', (code, signal) => done({ code, signal, out, err })));
}

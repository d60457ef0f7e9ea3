import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { type ChildTask, parseChildResult } from './child-task';

const MAIN = resolve(import.meta.dirname, 'child-main.ts');

/**
 * The child resolves the packages as its parent does: from their TypeScript sources under vitest or a parent started
 * with `--conditions=@inferox/source`, else from their builds (what `npm run bench` measures).
 */
const SOURCE = process.env.VITEST !== undefined || process.execArgv.some((arg) => arg.includes('@inferox/source')) ? ['--conditions=@inferox/source'] : [];

/**
 * Runs `task` in a fresh Node process (through tsx, `--expose-gc`) and returns what it reports.
 *
 * @throws Error with the child's stderr when it exits non-zero or reports nothing.
 */
export function runChild<T>(task: ChildTask): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', ...SOURCE, MAIN, JSON.stringify(task)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: resolve(import.meta.dirname, '../..'),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`child ${task.kind} exited with ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      try {
        resolvePromise(parseChildResult(stdout) as T);
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

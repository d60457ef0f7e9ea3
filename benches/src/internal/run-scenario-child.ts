import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { ScenarioResult } from '../report';
import { parseChildResult } from './child-task';

const MAIN = resolve(import.meta.dirname, '../scenario-main.ts');

/** What the child process of one scenario needs to rebuild the bench context. */
export interface ScenarioTask {
  readonly id: string;
  readonly quick: boolean;
  readonly threads: number;
  /** The run's scratch folder: models prepared by an earlier scenario's process are reused from it. */
  readonly workDir: string;
}

/** One scenario's result, and the CPU time its process used (all its threads). */
export interface ScenarioOutcome {
  readonly result: ScenarioResult;
  readonly cpuMs: number;
}

/**
 * Runs one scenario in a fresh Node process started like this one (the same `execArgv`: loaders, `--expose-gc`,
 * conditions), so no scenario measures in a heap, JIT state or native thread pools that an earlier one left behind.
 * Its progress lines go to this process's stderr as they come.
 *
 * @throws Error with the end of the child's stderr when it exits non-zero or prints no result.
 */
export function runScenarioChild(task: ScenarioTask, execArgv: readonly string[] = process.execArgv): Promise<ScenarioOutcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...execArgv, MAIN, JSON.stringify(task)], { stdio: ['ignore', 'pipe', 'pipe'], cwd: resolve(import.meta.dirname, '../..') });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        // The error's own line rather than the stack under it; else the last line.
        const lines = stderr.trim().split('\n');
        const why = [...lines].reverse().find((line) => /^\w*Error\b/.test(line)) ?? lines.at(-1);
        reject(new Error(`scenario ${JSON.stringify(task.id)}: its process exited with ${code ?? signal}: ${why}`));
        return;
      }
      try {
        resolvePromise(parseChildResult(stdout) as ScenarioOutcome);
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

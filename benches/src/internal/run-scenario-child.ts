import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ScenarioResult } from '../report';

const MAIN = resolve(import.meta.dirname, '../scenario-main.ts');

/** What the child process of one scenario needs to rebuild the bench context. */
export interface ScenarioTask {
  readonly id: string;
  readonly quick: boolean;
  readonly threads: number;
  /** The run's scratch folder. */
  readonly workDir: string;
  /** Where the generated models are kept, and reused from by later processes (default `workDir`). */
  readonly modelDir?: string;
  /** Where the child writes its {@link ScenarioOutcome} as JSON. */
  readonly resultFile: string;
}

/** One scenario's result, and the CPU time its process used (all its threads). */
export interface ScenarioOutcome {
  readonly result: ScenarioResult;
  readonly cpuMs: number;
}

/**
 * Runs one scenario in a fresh Node process started like this one (the same `execArgv`: loaders, `--expose-gc`,
 * conditions), so no scenario measures in a heap, JIT state or native thread pools that an earlier one left behind.
 * Its progress lines go to this process's stderr as they come; its result comes back through a file in `workDir`.
 *
 * @throws Error with the child's error line when it exits non-zero, or when it leaves no readable result file.
 */
export function runScenarioChild(task: Omit<ScenarioTask, 'resultFile'>, execArgv: readonly string[] = process.execArgv): Promise<ScenarioOutcome> {
  const full: ScenarioTask = { ...task, resultFile: join(task.workDir, `result-${task.id}-${process.pid}-${Date.now()}.json`) };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...execArgv, MAIN, JSON.stringify(full)], { stdio: ['ignore', 'inherit', 'pipe'], cwd: resolve(import.meta.dirname, '../..') });
    let stderr = '';
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
      readFile(full.resultFile, 'utf8')
        .then((text) => JSON.parse(text) as ScenarioOutcome)
        .finally(() => rm(full.resultFile, { force: true }))
        .then(resolvePromise, (error: unknown) => reject(new Error(`scenario ${JSON.stringify(task.id)}: its process left no readable result: ${(error as Error).message}`)));
    });
  });
}

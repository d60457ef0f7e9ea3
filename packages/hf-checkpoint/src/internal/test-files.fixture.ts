// Test-only helpers (excluded from coverage and the build): fixture paths, temp folders, FIFOs, small checkpoints.
import { execFileSync } from 'node:child_process';
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type SafetensorsInput, serializeSafetensors } from '@inferox/core';

const FIXTURES = resolve(import.meta.dirname, '../../../../fixtures');
/** The tiny BertModel checkpoint (with pooler). */
export const TINY_BERT = join(FIXTURES, 'tiny-bert-hf');
/** The BertForSequenceClassification checkpoint (encoder under `bert.`). */
export const TINY_BERT_CLS = join(FIXTURES, 'tiny-bert-cls');

/** A temp folder and its remover. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'inferox-hf-checkpoint-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Makes a real FIFO at `path` (`mkfifo`): opening it for reading blocks until a writer comes. */
export function makeFifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** A float32 tensor input of `values` with `shape` (default: 1-D). */
export function f32(values: readonly number[], shape: readonly number[] = [values.length]): SafetensorsInput {
  return { dtype: 'float32', shape, bytes: new Uint8Array(Float32Array.from(values).buffer) };
}

/** Writes a folder with `config.json` and the given files (objects are written as JSON, tensor maps as safetensors). */
export async function writeFolder(dir: string, files: Record<string, string | Uint8Array | Record<string, unknown>>): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content));
  }
  return dir;
}

/** safetensors bytes of `tensors`. */
export const safetensors = (tensors: Record<string, SafetensorsInput>): Uint8Array => serializeSafetensors(tensors);

/**
 * A real AbortSignal that its own `check`-th look at `aborted` aborts (with `reason`): an abort that lands between two
 * given stages of a read, which no timer can place. Counting the looks is what pins the stage; a test that uses it
 * says which looks come first.
 */
export function abortOnCheck(check: number, reason: unknown = new Error('stop')): AbortSignal {
  const controller = new AbortController();
  const { signal } = controller;
  const aborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;
  let checks = 0;
  Object.defineProperty(signal, 'aborted', {
    get: () => {
      checks += 1;
      if (checks === check) controller.abort(reason);
      return aborted.call(signal) as boolean;
    },
  });
  return signal;
}

/** How many looks at `aborted` `run` makes with a signal that never aborts. */
export async function abortChecks(run: (signal: AbortSignal) => Promise<unknown>): Promise<number> {
  let checks = 0;
  const signal = new AbortController().signal;
  Object.defineProperty(signal, 'aborted', {
    get: () => {
      checks += 1;
      return false;
    },
  });
  await run(signal);
  return checks;
}

/** How many of this process's file descriptors are open on `path` (Linux: /proc/self/fd). */
export function openDescriptors(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === realpathSync(path);
    } catch {
      return false;
    }
  }).length;
}

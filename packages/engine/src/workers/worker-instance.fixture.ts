/** What the worker-instance tests share: a spec of the test backend (test-backend.fixture.ts), its feeds, a logger that records. */
import { resolve } from 'node:path';
import { type LogFields, type Logger, Tensor } from '@inferox/core';
import type { WorkerModelSpec } from './create-worker-instance';
import type { TestBackendOptions } from './test-backend.fixture';

/** The test backend's module, as a worker thread imports it. */
export const TEST_BACKEND = resolve(import.meta.dirname, 'test-backend.fixture.ts');

/** A spec of the test backend with `options`, loading the source `test-model` (or what `extra` says). */
export function spec(options: TestBackendOptions = {}, extra: Partial<WorkerModelSpec> = {}): WorkerModelSpec {
  return { backend: { module: TEST_BACKEND, factory: 'createTestBackend', options }, source: 'test-model', ...extra };
}

/** Feeds telling the test model what to do (`mode`) with the float32 input `x`. */
export function feeds(mode: string, x: readonly number[] = [1, 2, 3]): Record<string, Tensor> {
  return { mode: Tensor.from('string', [mode], [1]), x: Tensor.from('float32', x, [x.length]) };
}

/** A logger that keeps every line it is given, in order. */
export function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: LogFields }[] } {
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      lines.push({ level, message, ...(fields ? { fields } : {}) });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

import { type InferoxError, Tensor } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { ModelWorker } from './model-worker';
import type { WorkerEntry } from './worker-entry';
import { rejectionOf } from '@inferox/core/testing';

const READY = `{ type: 'ready', model: { signature: { inputs: [], outputs: [] }, metadata: {}, memoryBytes: 1, device: { kind: 'cpu' } } }`;

/** A plain-JS worker standing in for a misbehaving model worker (faults the real one cannot produce). */
function fake(body: string): WorkerEntry {
  return { filename: `const { parentPort } = require('node:worker_threads');\n${body}`, eval: true, execArgv: [], mode: 'built' };
}

const spec = { backend: { module: 'unused', factory: 'unused', options: {} }, source: 'fake' };

describe('ModelWorker', () => {
  it('rejects the run with INTERNAL naming the tensor when the worker answers a malformed tensor', async () => {
    const worker = new ModelWorker(
      fake(`parentPort.postMessage(${READY});
parentPort.on('message', (m) => { if (m.type === 'run') parentPort.postMessage({ type: 'result', id: m.id, outputs: [{ name: 'y', dtype: 'float32', shape: [2], data: new Float32Array(3) }] }); });`),
      spec,
      'fake',
      () => undefined,
      20,
    );
    try {
      await worker.ready;
      const error = await rejectionOf(worker.run({ x: Tensor.from('float32', [1], [1]) }));
      expect(error.code).toBe('INTERNAL');
      expect(error.message).toContain('"y"');
      const unknown = await rejectionOf(worker.run({}));
      expect(unknown.code).toBe('INTERNAL');
    } finally {
      await worker.close();
    }
  });

  it('terminates the thread after the grace period when the worker ignores close', async () => {
    let exited = false;
    const worker = new ModelWorker(fake(`parentPort.postMessage(${READY}); parentPort.on('message', () => undefined);`), spec, 'fake', () => undefined, 20);
    void worker.exited.then(() => (exited = true));
    await worker.ready;
    await worker.close();
    expect(exited).toBe(true);
    expect(worker.alive).toBe(false);
    await worker.close();
  });

  it('reports the death once and refuses later runs when a loaded worker exits on its own', async () => {
    const deaths: InferoxError[] = [];
    const worker = new ModelWorker(
      fake(`parentPort.postMessage(${READY}); parentPort.on('message', (m) => { if (m.type === 'run') process.exit(3); });`),
      spec,
      'fake',
      (cause) => deaths.push(cause),
    );
    try {
      await worker.ready;
      expect(worker.loaded).toBe(true);
      const error = await rejectionOf(worker.run({}));
      expect(error.code).toBe('BACKEND_ERROR');
      expect(error.message).toContain('code 3');
      expect(deaths.map((d) => d.code)).toEqual(['BACKEND_ERROR']);
      const later = await rejectionOf(worker.run({}));
      expect(later.code).toBe('BACKEND_ERROR');
      expect(later.message).toContain('not running');
    } finally {
      await worker.close();
    }
  });

  it('rejects ready with DISPOSED when closed while the model loads', async () => {
    const worker = new ModelWorker(fake(`setInterval(() => undefined, 1000);`), spec, 'slow-model', () => undefined);
    const ready = rejectionOf(worker.ready);
    await worker.close();
    const error = await ready;
    expect(error.code).toBe('DISPOSED');
    expect(error.message).toContain('slow-model');
  });
});

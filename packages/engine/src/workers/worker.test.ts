import { once } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FromWorker } from './internal/protocol';
import { spec } from './worker-instance.fixture';

// worker.ts runs on import, with parentPort and workerData of node:worker_threads: these tests run it on this thread
// with those two given, each on a fresh module registry so that the import runs it again. The imports are literal so
// that vitest's related-file search (mutation runs use it) sees that this file runs worker.ts.
function givenThread(parentPort: unknown, workerData: unknown): void {
  vi.doMock('node:worker_threads', async (real: () => Promise<object>) => ({ ...(await real()), parentPort, workerData }));
  vi.resetModules();
}

afterEach(() => {
  vi.doUnmock('node:worker_threads');
});

describe('the worker entry', () => {
  it('serves the model workerData describes on parentPort when it runs in a worker thread', async () => {
    const { port1, port2 } = new MessageChannel();
    try {
      const answer = once(port2, 'message') as Promise<[FromWorker]>;
      givenThread(port1, spec({}, { options: { name: 'entry' } }));
      await import('./worker');
      const [ready] = await answer;
      expect(ready.type === 'ready' && ready.model.metadata.loadName).toBe('entry');
      const closed = once(port2, 'message') as Promise<[FromWorker]>;
      port2.postMessage({ type: 'close' });
      expect((await closed)[0]).toEqual({ type: 'closed' });
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('does nothing, not even read workerData, outside a worker thread (no parentPort)', async () => {
    let reads = 0;
    const workerData = {
      get backend() {
        reads++;
        return spec().backend;
      },
      source: 'test-model',
    };
    givenThread(null, workerData);
    await import('./worker');
    expect(reads).toBe(0);
  });
});

import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { postWithTransfer } from './post-message';

function receive(port: MessagePort): Promise<unknown> {
  return new Promise((resolve) => port.once('message', resolve));
}

describe('postWithTransfer', () => {
  it('moves the listed buffers when they can be transferred', async () => {
    const { port1, port2 } = new MessageChannel();
    try {
      const data = new Float32Array([1, 2]);
      const got = receive(port2);
      postWithTransfer(port1, { data }, [data.buffer]);
      expect(data.buffer.byteLength).toBe(0);
      expect(await got).toEqual({ data: new Float32Array([1, 2]) });
    } finally {
      port1.close();
    }
  });

  it('copies instead of moving when postMessage refuses the transfer list', async () => {
    const { port1, port2 } = new MessageChannel();
    try {
      const data = new Uint8Array([42]);
      const got = receive(port2);
      // A duplicate entry makes postMessage throw DataCloneError before anything is detached, as an
      // untransferable buffer does on Node ≥ 21.
      postWithTransfer(port1, { data }, [data.buffer as ArrayBuffer, data.buffer as ArrayBuffer]);
      expect(data.byteLength).toBe(1);
      expect(await got).toEqual({ data: new Uint8Array([42]) });
    } finally {
      port1.close();
    }
  });
});

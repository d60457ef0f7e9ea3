import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Tensor } from '@inferox/core';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BERT_DIR } from '../../real-models.fixture';
import { flattenTensors } from './flat-wire';
import type { FromWorker } from './protocol';
import { serveModel } from './serve-model';

describe('serveModel with the onnx backend', () => {
  const { port1, port2 } = new MessageChannel();
  const inbox: FromWorker[] = [];
  const waiting: ((m: FromWorker) => void)[] = [];
  let served: Promise<void>;
  const next = (): Promise<FromWorker> => (inbox.length > 0 ? Promise.resolve(inbox.shift()!) : new Promise((r) => waiting.push(r)));

  beforeAll(async () => {
    port2.on('message', (m: FromWorker) => (waiting.length > 0 ? waiting.shift()!(m) : inbox.push(m)));
    served = serveModel(port1, { backend: createOnnxBackend().factorySpec, source: join(BERT_DIR, 'model.onnx') });
    expect((await next()).type).toBe('ready');
  });
  afterAll(async () => {
    port2.postMessage({ type: 'close' });
    await served;
    port1.close();
    port2.close();
  });

  it('checks the feeds against the signature unless the run says the main thread validated them', async () => {
    // A feed is missing: the check answers INVALID_INPUT naming it; a run marked validated skips the check (the
    // main thread vouches for its feeds), so the missing feed reaches the runner, which fails otherwise.
    const { flat } = flattenTensors({ input_ids: Tensor.from('int64', [101n, 102n], [1, 2]) }, false);
    port2.postMessage({ type: 'run', id: 1, flat, quiet: true });
    const checked = await next();
    expect(checked).toMatchObject({ type: 'run-error', id: 1, error: { code: 'INVALID_INPUT' } });
    expect((checked as Extract<FromWorker, { type: 'run-error' }>).error.message).toContain('attention_mask');
    port2.postMessage({ type: 'run', id: 2, flat, quiet: true, validated: true });
    const skipped = await next();
    expect(skipped).toMatchObject({ type: 'run-error', id: 2 });
    expect((skipped as Extract<FromWorker, { type: 'run-error' }>).error.code).not.toBe('INVALID_INPUT');
  });
});

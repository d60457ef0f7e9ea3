/* v8 ignore file -- @preserve test support: runs in a child process, where coverage is not collected */
/**
 * Run by worker-hang-onnx.test.ts in a child process: serves the tiny BERT ONNX export on one worker-thread instance
 * of the real onnx backend with a `workerRunTimeoutMs` far below a run's time, so the engine's hang recovery
 * fires while onnxruntime is inside `run`. Sends two requests, closes the engine, reports the codes on stdout and
 * returns: the process must then exit 0 by itself (no native abort, no worker left behind).
 */
import { join } from 'node:path';
import { stdout } from 'node:process';
import { Tensor } from '@inferox/core';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createEngine } from '../engine';
import { BERT_DIR } from '../real-models.fixture';

const rows = 64;
const length = 512;
const ids = Array.from({ length: rows * length }, (_, i) => BigInt(100 + ((i * 7919) % 20_000)));
const feeds = () => ({
  input_ids: Tensor.from('int64', ids, [rows, length]),
  attention_mask: Tensor.from('int64', new Array<bigint>(rows * length).fill(1n), [rows, length]),
  token_type_ids: Tensor.from('int64', new Array<bigint>(rows * length).fill(0n), [rows, length]),
});
const engine = createEngine({ backends: [createOnnxBackend()], config: { workerRunTimeoutMs: 1 } });
await engine.load('bert', { source: join(BERT_DIR, 'model.onnx'), instances: { count: 1, mode: 'worker' } });
const codes: string[] = [];
for (let i = 0; i < 2; i++) codes.push(await engine.infer('bert', feeds()).then(() => 'ok', (error: { code: string }) => error.code));
await engine.close({ timeoutMs: 30_000 });
stdout.write(`${JSON.stringify({ codes })}\n`);

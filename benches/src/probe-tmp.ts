import { generateBertCheckpoint } from '../../tools/src/generate-bert-checkpoint';
import { exportOnnx } from '@inferox/onnx-backend';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createEngine } from '@inferox/engine';
import * as ort from 'onnxruntime-node';
import { writeFile } from 'node:fs/promises';
import { bertFeeds } from './internal/bert-feeds';
let t = performance.now();
await generateBertCheckpoint('/tmp/bx/bw', 'base-width');
console.log('gen', performance.now() - t); t = performance.now();
await writeFile('/tmp/bx/bw.onnx', await exportOnnx('/tmp/bx/bw'));
console.log('export', performance.now() - t); t = performance.now();
const backend = createOnnxBackend({ sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 } });
const h = await backend.loadModel('/tmp/bx/tiny.onnx');
const s = await ort.InferenceSession.create('/tmp/bx/tiny.onnx', { intraOpNumThreads: 1, interOpNumThreads: 1 });
const engine = createEngine({ backends: [createOnnxBackend({ sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 } })] });
await engine.load('b', { source: '/tmp/bx/tiny.onnx', backends: ['onnx'] });
const f = bertFeeds(1, 128);
for (let k = 0; k < 3; k++) {
  for (const [name, fn] of [['raw', () => s.run(f.ort)], ['handle', () => h.run(f.core)], ['engine', () => engine.infer('b', f.core)]] as const) {
    const xs: number[] = [];
    for (let i = 0; i < 200; i++) { const t0 = performance.now(); await fn(); xs.push(performance.now() - t0); }
    xs.sort((a, b) => a - b);
    console.log(name, xs[100]!.toFixed(3));
  }
}
await engine.close(); await backend.dispose(); await s.release();

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backend, ErrorCode, InferoxError, Tensor, parseSafetensors, toInferoxError } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { loadIntoEngine, packModel } from '@inferox/mlpkg';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { referenceMlp, writeMlpCheckpoint } from './write-mlp-checkpoint';

/** The two models of the example. */
export const MLPS = [
  { name: 'mlp-10-8-8-3', layerSizes: [10, 8, 8, 3], seed: 1 },
  { name: 'mlp-5-4-4-2', layerSizes: [5, 4, 4, 2], seed: 2 },
] as const;

/** The batch sizes each model is run at. */
export const BATCH_SIZES = [1, 4, 8, 16, 32] as const;

/** One row of the printed table. */
export interface MlpRow {
  readonly model: string;
  readonly backend: string;
  readonly runtime: string;
  readonly batch: number;
  readonly p50Ms: number;
  /** Largest |output − plain-JS reference| over the batch. */
  readonly maxAbsDiff: number;
}

/** Options for {@link runMlpExample}. */
export interface MlpExampleOptions {
  /** Timed runs per cell. @defaultValue 20 */
  readonly rounds?: number;
  /** tfjs runtime. @defaultValue 'auto' */
  readonly tfjsRuntime?: 'auto' | 'wasm' | 'cpu';
  readonly print?: (line: string) => void;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Writes two seeded MLP checkpoints, packs each into a verified package, loads both packages into one engine with a
 * replica on every backend, runs each at batch sizes 1–32 on each backend, prints a table, and shows the error a
 * wrong input shape gets.
 *
 * @returns the table rows and the error line.
 */
export async function runMlpExample(options: MlpExampleOptions = {}): Promise<{ rows: MlpRow[]; error: string }> {
  const print = options.print ?? ((line: string) => console.log(line));
  const rounds = options.rounds ?? 20;
  if (!Number.isSafeInteger(rounds) || rounds < 1) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `rounds must be a whole number ≥ 1, got ${String(rounds)}`, { details: { rounds } });
  }
  const work = await mkdtemp(join(tmpdir(), 'inferox-mlp-example-'));
  const backends: Backend[] = [createOnnxBackend(), createTfjsBackend({ runtime: options.tfjsRuntime ?? 'auto' })];
  const engine = createEngine({ backends });
  const rows: MlpRow[] = [];
  let error = '';
  try {
    const runtimes = Object.fromEntries(await Promise.all(backends.map(async (b) => [b.name, (await b.init()).runtime] as const)));
    for (const mlp of MLPS) {
      const checkpoint = join(work, `${mlp.name}-checkpoint`);
      await writeMlpCheckpoint(checkpoint, { layerSizes: mlp.layerSizes }, mlp.seed);
      const pkg = join(work, `${mlp.name}.mlpkg`);
      await packModel(checkpoint, pkg, { name: mlp.name });
      await loadIntoEngine(engine, pkg, { name: mlp.name, backends: ['onnx', 'tfjs'] });
      const weights = parseSafetensors(await readFile(join(checkpoint, 'model.safetensors')));
      const layers = mlp.layerSizes.slice(1).map((outSize, i) => {
        const w = weights.tensors.get(`layers.${i}.weight`)!;
        const b = weights.tensors.get(`layers.${i}.bias`)!;
        return { weight: new Float32Array(new Uint8Array(w.bytes).buffer), bias: new Float32Array(new Uint8Array(b.bytes).buffer), inSize: mlp.layerSizes[i]!, outSize };
      });
      for (const backend of backends.map((b) => b.name)) {
        for (const batch of BATCH_SIZES) {
          const inSize = mlp.layerSizes[0];
          const input = Float32Array.from({ length: batch * inSize }, (_, i) => Math.sin(i * 0.37 + batch));
          const feeds = { input: Tensor.from('float32', input, [batch, inSize]) };
          const times: number[] = [];
          let diff = 0;
          for (let r = 0; r < rounds; r++) {
            const t0 = performance.now();
            const result = await engine.infer(mlp.name, feeds, { backend });
            times.push(performance.now() - t0);
            if (r === 0) {
              const out = result.outputs.logits!.data as Float32Array;
              const outSize = mlp.layerSizes[mlp.layerSizes.length - 1]!;
              for (let row = 0; row < batch; row++) {
                const want = referenceMlp(layers, Array.from(input.subarray(row * inSize, (row + 1) * inSize)));
                want.forEach((v, k) => (diff = Math.max(diff, Math.abs(v - out[row * outSize + k]!))));
              }
            }
          }
          rows.push({ model: mlp.name, backend, runtime: runtimes[backend] ?? '?', batch, p50Ms: median(times), maxAbsDiff: diff });
        }
      }
    }
    print('model          backend  runtime  batch  p50 ms   max |Δ| vs JS reference');
    for (const r of rows) {
      print(
        `${r.model.padEnd(14)} ${r.backend.padEnd(8)} ${r.runtime.padEnd(8)} ${String(r.batch).padStart(5)}  ${r.p50Ms.toFixed(3).padStart(7)}  ${r.maxAbsDiff.toExponential(2)}`,
      );
    }
    try {
      await engine.infer('mlp-10-8-8-3', { input: Tensor.zeros('float32', [2, 5]) });
    } catch (e) {
      const err = toInferoxError(e);
      error = `error [${err.code}]: ${err.message}`;
    }
    print('');
    print(`a wrong input shape ([2, 5] for mlp-10-8-8-3) is refused before it reaches a backend:\n  ${error}`);
  } finally {
    await engine.close();
    await rm(work, { recursive: true, force: true });
  }
  return { rows, error };
}

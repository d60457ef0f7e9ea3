import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backend, ErrorCode, InferoxError, Tensor, type TensorMap, toInferoxError } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { loadIntoEngine, packFromHub } from '@inferox/mlpkg';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { packEmbeddedModel, readPackageVocab } from './embedded-model';
import { type EncodedBatch, type TextInput, WordPieceTokenizer } from './wordpiece-tokenizer';

/** Sentences of different lengths (one a pair) that the demo sends when none are given. */
export const DEFAULT_SENTENCES: readonly TextInput[] = [
  'Inferox runs one model on several backends.',
  ['Is the output the same on every backend?', 'It should agree to four decimal places.'],
  'Short one.',
  'Padding and attention masks let sentences of different lengths share a batch without changing their embeddings.',
];

/** One row of the demo's table. */
export interface DemoRow {
  /** What the requests asked for in `metadata.backend`. */
  readonly route: string;
  /** The backend that answered. */
  readonly servedBy: string;
  readonly runtime: string;
  readonly p50Ms: number;
  /** Max |Δ| of last_hidden_state against the onnx answer, over positions with attention_mask 1. */
  readonly maxAbsDiffVsOnnx: number;
}

/** Options for {@link runBertDemo}. */
export interface BertDemoOptions {
  /** A hub repo id to pack instead of the embedded model (needs network). */
  readonly model?: string;
  readonly sentences?: readonly TextInput[];
  /** Timed requests per route. @defaultValue 20 */
  readonly rounds?: number;
  readonly tfjsRuntime?: 'auto' | 'wasm' | 'cpu';
  readonly print?: (line: string) => void;
  readonly warn?: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** What the demo observed. */
export interface DemoReport {
  readonly rows: DemoRow[];
  readonly fallback: { readonly asked: string; readonly servedBy: string; readonly reason: string } | undefined;
  readonly truncated: number[];
  readonly maxPositions: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function toFeeds(batch: EncodedBatch): TensorMap {
  const shape = [batch.inputIds.length, batch.length];
  return {
    input_ids: Tensor.from('int64', BigInt64Array.from(batch.inputIds.flat()), shape),
    attention_mask: Tensor.from('int64', BigInt64Array.from(batch.attentionMask.flat()), shape),
    token_type_ids: Tensor.from('int64', BigInt64Array.from(batch.tokenTypeIds.flat()), shape),
  };
}

function maskedMaxAbsDiff(a: Float32Array, b: Float32Array, mask: readonly bigint[], hidden: number): number {
  let max = 0;
  mask.forEach((m, position) => {
    if (m === 0n) return;
    for (let k = 0; k < hidden; k++) max = Math.max(max, Math.abs(a[position * hidden + k]! - b[position * hidden + k]!));
  });
  return max;
}

/**
 * The main job: packs the embedded tiny BERT (or a hub repo), loads it on onnx and tfjs in one engine, tokenizes
 * sentences with WordPiece over the bert-base-uncased vocabulary, routes requests by `metadata.backend`
 * (`onnx`, `tfjs`, `auto`), prints latency and cross-backend agreement, then makes tfjs unavailable and shows the
 * engine falling back to onnx.
 *
 * @throws InferoxError `INVALID_INPUT` for an empty sentence list or an empty sentence.
 */
export async function runBertDemo(options: BertDemoOptions = {}): Promise<DemoReport> {
  const print = options.print ?? ((line: string) => console.log(line));
  const warn = options.warn ?? ((line: string) => console.warn(line));
  const rounds = options.rounds ?? 20;
  if (!Number.isSafeInteger(rounds) || rounds < 1) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `rounds must be a whole number ≥ 1, got ${String(rounds)}`, { details: { rounds } });
  }
  const sentences = options.sentences ?? DEFAULT_SENTENCES;
  if (sentences.length === 0) throw new InferoxError(ErrorCode.INVALID_INPUT, 'no input: give at least one sentence');
  sentences.forEach((s, i) => {
    const parts = typeof s === 'string' ? [s] : s;
    if (parts.some((p) => p.trim() === '')) throw new InferoxError(ErrorCode.INVALID_INPUT, `sentence ${i} is empty`, { details: { index: i } });
  });

  const work = await mkdtemp(join(tmpdir(), 'inferox-bert-demo-'));
  const onnx = createOnnxBackend();
  const tfjs = createTfjsBackend({ runtime: options.tfjsRuntime ?? 'auto' });
  const backends: Backend[] = [onnx, tfjs];
  const engine = createEngine({ backends });
  try {
    const pkgDir = join(work, 'model.mlpkg');
    if (options.model) {
      print(`packing ${options.model} from the hub into ${pkgDir}`);
      await packFromHub(options.model, pkgDir, options.signal ? { signal: options.signal } : {});
    } else {
      await packEmbeddedModel(pkgDir, options.signal ? { signal: options.signal } : {});
    }
    const config = JSON.parse(await readFile(join(pkgDir, 'weights', 'config.json'), 'utf8')) as { max_position_embeddings?: number; hidden_size: number };
    const maxPositions = config.max_position_embeddings ?? 512;
    const tokenizer = new WordPieceTokenizer(await readPackageVocab(pkgDir));
    await loadIntoEngine(engine, pkgDir, { name: 'bert', backends: ['onnx', 'tfjs'] });
    const runtimes: Record<string, string> = {};
    for (const b of backends) runtimes[b.name] = (await b.init()).runtime;

    const batch = tokenizer.encodeBatch(sentences, maxPositions);
    for (const index of batch.truncated) warn(`warning: sentence ${index} is longer than the model's ${maxPositions} positions and was truncated`);
    const feeds = toFeeds(batch);
    print(`${sentences.length} sentences, padded to ${batch.length} tokens; model ${JSON.stringify('bert')} on ${backends.map((b) => `${b.name}/${runtimes[b.name]}`).join(' and ')}`);

    const answers: Record<string, Float32Array> = {};
    const rows: DemoRow[] = [];
    for (const route of ['onnx', 'tfjs', 'auto']) {
      await engine.infer('bert', feeds, { metadata: { backend: route } });
      const times: number[] = [];
      let servedBy = '';
      for (let r = 0; r < rounds; r++) {
        const t0 = performance.now();
        const result = await engine.infer('bert', feeds, { metadata: { backend: route } });
        times.push(performance.now() - t0);
        servedBy = result.backend;
        answers[route] = result.outputs.last_hidden_state!.data as Float32Array;
      }
      rows.push({ route, servedBy, runtime: runtimes[servedBy] ?? '?', p50Ms: median(times), maxAbsDiffVsOnnx: 0 });
    }
    const mask = batch.attentionMask.flat();
    for (const [i, row] of rows.entries()) rows[i] = { ...row, maxAbsDiffVsOnnx: maskedMaxAbsDiff(answers[row.route]!, answers.onnx!, mask, config.hidden_size) };

    print('');
    print('metadata.backend  served by  runtime  p50 ms  max |Δ| vs onnx');
    for (const r of rows) {
      print(`${r.route.padEnd(17)} ${r.servedBy.padEnd(10)} ${r.runtime.padEnd(8)} ${r.p50Ms.toFixed(2).padStart(6)}  ${r.maxAbsDiffVsOnnx.toExponential(2)}`);
    }

    print('');
    print('making tfjs unavailable (its backend is disposed), then asking for tfjs again:');
    await tfjs.dispose();
    const fell = await engine.infer('bert', feeds, { metadata: { backend: 'tfjs' } });
    const fallback = fell.fellBack ? { asked: 'tfjs', servedBy: fell.backend, reason: `${fell.fellBack.reason}: ${fell.fellBack.message}` } : undefined;
    print(fallback ? `  served by ${fallback.servedBy} after falling back from tfjs (${fallback.reason})` : `  served by ${fell.backend} without a fallback`);
    return { rows, fallback, truncated: batch.truncated, maxPositions };
  } catch (error) {
    throw toInferoxError(error);
  } finally {
    await engine.close();
    await rm(work, { recursive: true, force: true });
  }
}

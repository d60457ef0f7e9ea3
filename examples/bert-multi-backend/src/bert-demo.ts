import { type Backend, ErrorCode, InferoxError, toInferoxError } from '@inferox/core';
import { createEngine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { loadTextModel } from '@inferox/text';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { EMBEDDED_CLASSIFIER_DIR, EMBEDDED_MODEL_DIR } from './embedded-model';

/** Sentences the demo embeds and classifies when none are given (texts of the fixtures' reference data). */
export const DEFAULT_SENTENCES: readonly string[] = [
  'Hello world!',
  'The quick brown fox jumps over the lazy dog.',
  'Inferox serves BERT on onnxruntime and TensorFlow.js.',
  "Don't stop believin', it's rock'n'roll!",
];

/** Options for {@link runBertDemo}. */
export interface BertDemoOptions {
  /** The embedding model: a folder, an mlpkg package or `hf://org/repo@rev`. @defaultValue the embedded tiny-bert-st */
  readonly model?: string;
  /** The classification model (same kinds of source). @defaultValue the embedded tiny-bert-cls */
  readonly classifier?: string;
  readonly sentences?: readonly string[];
  readonly tfjsRuntime?: 'auto' | 'wasm' | 'cpu';
  readonly print?: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** What the demo computed. */
export interface DemoReport {
  readonly sentences: readonly string[];
  /** The runtime each backend used (`onnx: cpu`, `tfjs: wasm`). */
  readonly runtimes: Readonly<Record<string, string>>;
  /** Embeddings by backend, one per sentence. */
  readonly embeddings: { readonly onnx: Float32Array[]; readonly tfjs: Float32Array[] };
  /** Max |onnx − tfjs| over every embedding value. */
  readonly maxAbsDiff: number;
  /** Cosine similarity of every pair of sentences (onnx embeddings). */
  readonly similarity: number[][];
  /** The best label of each sentence. */
  readonly classification: { readonly label: string; readonly score: number }[];
  /** Padding waste of the embedding model's batches. */
  readonly paddingWaste: number;
}

const cosine = (a: Float32Array, b: Float32Array): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
};

/**
 * The main job: one engine with onnx and tfjs, a sentence-transformers model loaded on both through `@inferox/text`,
 * the sentences embedded on each backend and compared, their cosine-similarity matrix, and a classification of each
 * by a BERT sequence classifier.
 *
 * @throws InferoxError `INVALID_INPUT` for an empty sentence list or a missing model folder, and the codes of
 * `loadTextModel` and `embed`.
 */
export async function runBertDemo(options: BertDemoOptions = {}): Promise<DemoReport> {
  const print = options.print ?? ((line: string) => console.log(line));
  const sentences = options.sentences ?? DEFAULT_SENTENCES;
  if (sentences.length === 0) throw new InferoxError(ErrorCode.INVALID_INPUT, 'no input: give at least one sentence');
  const signal = options.signal ? { signal: options.signal } : {};
  const onnx = createOnnxBackend();
  const tfjs = createTfjsBackend({ runtime: options.tfjsRuntime ?? 'auto' });
  const backends: Backend[] = [onnx, tfjs];
  const engine = createEngine({ backends });
  try {
    const embedder = await loadTextModel(engine, options.model ?? EMBEDDED_MODEL_DIR, { name: 'embedder', backends: ['onnx', 'tfjs'], ...signal });
    const classifier = await loadTextModel(engine, options.classifier ?? EMBEDDED_CLASSIFIER_DIR, { name: 'classifier', backends: ['onnx'], ...signal });
    const runtimes: Record<string, string> = {};
    for (const b of backends) runtimes[b.name] = (await b.init()).runtime;
    print(`${sentences.length} sentences; ${embedder.info.modelType} embeddings (${embedder.info.dimensions} dims, ${embedder.info.pooling} pooling) on ${backends.map((b) => `${b.name}/${runtimes[b.name]}`).join(' and ')}`);

    const [onnxRun, tfjsRun] = await Promise.all([embedder.embed(sentences, { backend: 'onnx', ...signal }), embedder.embed(sentences, { backend: 'tfjs', ...signal })]);
    let maxAbsDiff = 0;
    onnxRun.embeddings.forEach((e, i) => e.forEach((v, k) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - tfjsRun.embeddings[i]![k]!)))));
    print(`onnx and tfjs agree to ${maxAbsDiff.toExponential(2)} (max |Δ| over ${onnxRun.embeddings.length} × ${onnxRun.embeddings[0]!.length} values, ${onnxRun.tokens} tokens)`);

    const similarity = onnxRun.embeddings.map((a) => onnxRun.embeddings.map((b) => cosine(a, b)));
    print('');
    print('cosine similarity');
    print(`      ${sentences.map((_, j) => `s${j}`.padStart(7)).join('')}`);
    similarity.forEach((row, i) => print(`  s${i}`.padEnd(6) + row.map((v) => v.toFixed(3).padStart(7)).join('')));

    const labels = await classifier.classify(sentences, { topK: 1, ...signal });
    const classification = labels.map((l) => l[0]!);
    print('');
    print(`classification (${classifier.info.labels?.join(', ')})`);
    sentences.forEach((s, i) => print(`  s${i} ${classification[i]!.label.padEnd(9)} ${classification[i]!.score.toFixed(3)}  ${s.length > 60 ? `${s.slice(0, 57)}...` : s}`));
    return { sentences, runtimes, embeddings: { onnx: onnxRun.embeddings, tfjs: tfjsRun.embeddings }, maxAbsDiff, similarity, classification, paddingWaste: embedder.stats().paddingWaste };
  } catch (error) {
    throw toInferoxError(error);
  } finally {
    await engine.close();
  }
}

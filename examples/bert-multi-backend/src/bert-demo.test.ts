import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { expectInferoxError, maxAbsDiff } from '@inferox/core/testing';
import { startTestHub } from '@inferox/hub-cache/testing';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SENTENCES, runBertDemo } from './bert-demo';
import { EMBEDDED_CLASSIFIER_DIR, EMBEDDED_MODEL_DIR } from './embedded-model';

interface StItem {
  text: string;
  prompt_name: string | null;
  embedding: number[];
}
interface ClsItem {
  text: string;
  text_pair: string | null;
  scores: number[];
  label: string;
}
const stReference = (JSON.parse(readFileSync(join(EMBEDDED_MODEL_DIR, 'reference.json'), 'utf8')) as { items: StItem[] }).items.filter((i) => i.prompt_name === null);
const clsReference = (JSON.parse(readFileSync(join(EMBEDDED_CLASSIFIER_DIR, 'reference.json'), 'utf8')) as { items: ClsItem[] }).items.filter((i) => i.text_pair === null);
const tmp = mkdtempSync(join(tmpdir(), 'bert-demo-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
});

/** max |a - b| over every value of two lists of embeddings, computed here rather than taken from the report. */
function largestDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  expect(b).toHaveLength(a.length);
  return Math.max(...a.map((e, i) => maxAbsDiff(e, b[i]!)));
}

describe('runBertDemo', () => {
  it('embeds on onnx and tfjs within 1e-4 of each other and 1e-5 of the reference, with their similarity matrix and labels', async () => {
    const lines: string[] = [];
    const report = await runBertDemo({ tfjsRuntime: 'wasm', print: (l) => lines.push(l) });
    expect(report.runtimes).toEqual({ onnx: 'cpu', tfjs: 'wasm' });
    // The agreement the demo reports is the real one: the largest |onnx - tfjs| over the embeddings it returns.
    expect(report.maxAbsDiff).toBe(largestDifference(report.embeddings.onnx, report.embeddings.tfjs));
    expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    const reference = DEFAULT_SENTENCES.map((s) => stReference.find((i) => i.text === s)!.embedding);
    report.embeddings.onnx.forEach((e, i) => expect(maxAbsDiff(e, reference[i]!)).toBeLessThanOrEqual(1e-5));
    report.embeddings.tfjs.forEach((e, i) => expect(maxAbsDiff(e, reference[i]!)).toBeLessThanOrEqual(1e-4));
    // The reference embeddings are unit vectors: cosine = dot product.
    const dot = (a: number[], b: number[]): number => a.reduce((s, v, k) => s + v * b[k]!, 0);
    report.similarity.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(dot(reference[i]!, reference[j]!), 5)));
    const expected = DEFAULT_SENTENCES.map((s) => clsReference.find((i) => i.text === s)!);
    expect(report.classification.map((c) => c.label)).toEqual(expected.map((e) => e.label));
    report.classification.forEach((c, i) => expect(c.score).toBeCloseTo(Math.max(...expected[i]!.scores), 4));
    expect(lines.join('\n')).toContain('cosine similarity');
    expect(lines.join('\n')).toMatch(/onnx and tfjs agree to \d\.\d\de-\d+/);
  });

  it('embeds an empty sentence as [CLS] [SEP] and shortens long sentences in the printout when given its own texts', async () => {
    const long = stReference.find((i) => i.text.length > 200)!;
    const lines: string[] = [];
    const report = await runBertDemo({ sentences: [long.text, ''], classifier: EMBEDDED_CLASSIFIER_DIR, tfjsRuntime: 'cpu', signal: new AbortController().signal, print: (l) => lines.push(l) });
    expect(report.runtimes.tfjs).toBe('cpu');
    expect(maxAbsDiff(report.embeddings.onnx[0]!, long.embedding)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(report.embeddings.tfjs[0]!, long.embedding)).toBeLessThanOrEqual(1e-4);
    expect(report.maxAbsDiff).toBe(largestDifference(report.embeddings.onnx, report.embeddings.tfjs));
    expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(report.similarity[0]![1]).toBeCloseTo(report.similarity[1]![0]!, 6);
    expect(lines.some((l) => l.includes(`${long.text.slice(0, 57)}...`))).toBe(true);
    // 128 tokens and 2 tokens are batched apart (the batcher groups by length), so no position is padding.
    expect(report.paddingWaste).toBe(0);
  });

  it('rejects with INVALID_INPUT when the input is empty or the model folder does not exist', async () => {
    await expectInferoxError(runBertDemo({ sentences: [], print: () => {} }), 'INVALID_INPUT', 'no input');
    await expectInferoxError(runBertDemo({ model: join(tmp, 'nowhere'), print: () => {} }), 'INVALID_INPUT', 'nowhere', 'does not exist');
  });

  it('loads an hf:// model through the hub cache when given --model', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const entry of readdirSync(EMBEDDED_MODEL_DIR, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files[relative(EMBEDDED_MODEL_DIR, join(entry.parentPath, entry.name)).split('\\').join('/')] = readFileSync(join(entry.parentPath, entry.name));
    }
    const hub = await startTestHub({ repos: [{ id: 'acme/st', files }] });
    vi.stubEnv('HF_ENDPOINT', hub.url);
    vi.stubEnv('HF_HUB_CACHE', join(tmp, 'cache'));
    try {
      const report = await runBertDemo({ model: 'hf://acme/st', sentences: ['Hello world!'], tfjsRuntime: 'wasm', print: () => {} });
      expect(maxAbsDiff(report.embeddings.onnx[0]!, stReference[0]!.embedding)).toBeLessThanOrEqual(1e-5);
    } finally {
      await hub.close();
    }
  });
});

describe('main (npm start)', () => {
  const main = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', '--conditions=@inferox/source', join(import.meta.dirname, 'main.ts'), ...args], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, HF_HUB_OFFLINE: '1' },
      timeout: 90_000,
    });

  it('runs offline and exits 0, printing the agreement, the matrix and the labels', async () => {
    const { stdout } = await main(['--runtime', 'wasm']);
    expect(stdout).toMatch(/onnx and tfjs agree to/);
    expect(stdout).toMatch(/^ {2}s3 {3}/m);
    expect(stdout).toContain('classification (negative, neutral, positive)');
  });

  it('exits 1 with one error line when the model folder does not exist', async () => {
    const error = (await main(['--model', join(tmp, 'missing')]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr.trim()).toMatch(/^error \[INVALID_INPUT\]: model folder .*missing does not exist$/);
  });
});

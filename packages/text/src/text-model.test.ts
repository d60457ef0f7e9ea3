import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectInferoxError, maxAbsDiff } from '@inferox/core/testing';
import { type Engine, createEngine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLS_DIR, CLS_REFERENCE, ST_DIR, ST_REFERENCE } from './internal/acceptance.fixture';
import { loadTextModel } from './load-text-model';
import type { TextModel } from './text-model';

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

describe('TextModel', () => {
  let engine: Engine;
  let st: TextModel;
  let cls: TextModel;
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'inferox-text-'));
    engine = createEngine({ backends: [createOnnxBackend()] });
    st = await loadTextModel(engine, ST_DIR);
    cls = await loadTextModel(engine, CLS_DIR, { name: 'cls', maxBatchTokens: 64 });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('describes the folder when loaded', () => {
    expect(st.name).toBe('tiny-bert-st');
    expect(st.task).toBe('embedding');
    expect(st.info).toEqual({
      maxSequenceLength: 128,
      dimensions: 64,
      pooling: 'mean',
      normalize: true,
      prompts: { query: 'query: ', passage: 'passage: ' },
      backends: ['onnx'],
      modelType: 'bert',
    });
    expect(cls.task).toBe('classification');
    expect(cls.info.labels).toEqual(['negative', 'neutral', 'positive']);
    expect(cls.info.problemType).toBe('single_label_classification');
    expect(cls.info.maxSequenceLength).toBe(512);
  });

  it('answers INVALID_INPUT for an empty list, a non-array and an unknown prompt', async () => {
    await expectInferoxError(st.embed([]), 'INVALID_INPUT', 'inputs is empty');
    await expectInferoxError(st.embed('hello' as never), 'INVALID_INPUT', 'must be an array');
    await expectInferoxError(st.embed(['x'], { promptName: 'nope' }), 'INVALID_INPUT', '"nope"', 'query, passage');
    await expectInferoxError(st.embed([42 as never]), 'INVALID_INPUT', 'inputs[0]');
    await expectInferoxError(cls.classify([]), 'INVALID_INPUT', 'inputs is empty');
    await expectInferoxError(cls.rerank('q', []), 'INVALID_INPUT', 'passages is empty');
    await expectInferoxError(st.tokenize([]), 'INVALID_INPUT', 'inputs is empty');
  });

  it('embeds an empty string as [CLS] [SEP]', async () => {
    const [tokens] = await st.tokenize(['']);
    expect(tokens!.map((t) => [t.id, t.text, t.special])).toEqual([
      [101, '[CLS]', true],
      [102, '[SEP]', true],
    ]);
    const empty = await st.embed(['']);
    const ids = await st.embed([[101, 102]]);
    expect(empty.tokens).toBe(2);
    expect(maxAbsDiff(empty.embeddings[0]!, ids.embeddings[0]!)).toBe(0);
  });

  it('names the token count and the limit when a text is too long with truncate: false', async () => {
    const long = ST_REFERENCE.items.find((i) => i.input_ids.length === 128)!.text;
    await expectInferoxError(st.embed(['short', long], { truncate: false }), 'INVALID_INPUT', 'inputs[1]', '146 tokens', 'limit of 128');
    const [cut] = await st.tokenize([long], { truncationDirection: 'left' });
    expect(cut!.length).toBe(128);
    expect(cut!.at(-1)!.id).toBe(102);
    const [all] = await st.tokenize([long], { truncate: false });
    expect(all!.length).toBe(146);
  });

  it('never crashes on lone surrogates and control characters', async () => {
    const texts = ['\ud800', 'a\udfffb', '\u0000\u0007\u001b[31m', 'tab\tnew\nline\r', '\ufeff\u200b'];
    const { embeddings } = await st.embed(texts);
    expect(embeddings).toHaveLength(5);
    for (const e of embeddings) expect(Math.abs(norm(e) - 1)).toBeLessThan(1e-5);
  });

  it('refuses classify on an embedding model and embed on a classification model with a typed error', async () => {
    await expectInferoxError(st.classify(['x']), 'INVALID_INPUT', 'classify() needs a classification model', 'tiny-bert-st is an embedding model');
    await expectInferoxError(st.rerank('q', ['p']), 'INVALID_INPUT', 'rerank() needs a classification model');
    await expectInferoxError(cls.embed(['x']), 'INVALID_INPUT', 'embed() needs an embedding model', 'use classify() or rerank()');
  });

  it('keeps the first N dimensions and re-normalizes when dimensions is given', async () => {
    const full = await st.embed(['Hello world!'], { normalize: false });
    const cut = await st.embed(['Hello world!'], { dimensions: 16 });
    expect(cut.embeddings[0]).toHaveLength(16);
    expect(Math.abs(norm(cut.embeddings[0]!) - 1)).toBeLessThan(1e-6);
    const head = full.embeddings[0]!.slice(0, 16);
    const expected = head.map((v) => v / norm(head));
    expect(maxAbsDiff(cut.embeddings[0]!, expected)).toBeLessThan(1e-6);
    expect(Math.abs(norm(full.embeddings[0]!) - 1)).toBeGreaterThan(1e-3);
    await expectInferoxError(st.embed(['x'], { dimensions: 65 }), 'INVALID_INPUT', 'dimensions', '65');
  });

  it('ranks labels and keeps topK when classifying', async () => {
    const item = CLS_REFERENCE.items[0]!;
    const [top] = await cls.classify([item.text], { topK: 1 });
    expect(top).toEqual([{ label: item.label, score: expect.closeTo(Math.max(...item.scores), 4) }]);
    await expectInferoxError(cls.classify(['x'], { topK: 0 }), 'INVALID_INPUT', 'topK');
  });

  it('scores (query, passage) pairs best first with topN and text when reranking', async () => {
    const pairs = CLS_REFERENCE.items.filter((i) => i.text_pair !== null);
    const query = pairs[0]!.text;
    const passages = ['Absolutely loved it, would buy again!', pairs[0]!.text_pair!, 'Short.'];
    const ranked = await cls.rerank(query, passages, { returnText: true });
    expect(ranked.map((r) => r.index).sort()).toEqual([0, 1, 2]);
    for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
    const own = ranked.find((r) => r.index === 1)!;
    expect(own.text).toBe(passages[1]);
    expect(own.score).toBeCloseTo(pairs[0]!.scores[2]!, 4);
    const raw = await cls.rerank(query, passages, { rawScores: true, topN: 1 });
    expect(raw).toHaveLength(1);
    expect(raw[0]!.text).toBeUndefined();
  });

  it('forms batches from concurrent callers within the token budget', async () => {
    const before = cls.stats();
    const texts = CLS_REFERENCE.items.filter((i) => i.text_pair === null && i.input_ids.length < 32).map((i) => i.text);
    const results = await Promise.all(texts.map((t) => cls.classify([t])));
    const after = cls.stats();
    expect(results.map((r) => r[0]![0]!.label)).toEqual(CLS_REFERENCE.items.filter((i) => i.text_pair === null && i.input_ids.length < 32).map((i) => i.label));
    const batches = after.batches - before.batches;
    expect(after.requests - before.requests).toBe(texts.length);
    expect(batches).toBeLessThan(texts.length);
    // maxBatchTokens 64: no batch is padded past it.
    expect((after.paddedTokens - before.paddedTokens) / batches).toBeLessThanOrEqual(64);
  });

  it('lets closed-loop callers of mixed lengths fill each batch: the next one waits for the texts the last answered', async () => {
    // 7, 4, 3 and 24 tokens: with maxPaddingWaste 0.15 the 3- and 4-token texts share a batch, the others run alone,
    // so a round of 16 texts fits in 3 batches.
    const texts = ['the quick brown fox jumps', 'hello world', 'short', 'embeddings turn sentences into vectors that we can compare with cosine similarity, quickly and cheaply'];
    const before = st.stats();
    const rounds = 30;
    // Each caller sends its next text as soon as its last is answered, as a server's handlers do.
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let round = 0; round < rounds; round++) await st.embed([texts[next++ % texts.length]!]);
      }),
    );
    const after = st.stats();
    expect(after.sequences - before.sequences).toBe(16 * rounds);
    // Formed a microtask after the last batch, the next batch would hold only the first callers back (94 batches
    // here, over 3 per round); waiting a turn of the event loop lets every answered caller's text in (67).
    expect(after.batches - before.batches).toBeLessThanOrEqual(3 * rounds);
  });

  it('reports real and padded tokens in stats() and in the engine metrics', async () => {
    const stats = cls.stats();
    expect(stats.paddingWaste).toBeCloseTo((stats.paddedTokens - stats.realTokens) / stats.paddedTokens, 10);
    const text = await engine.metrics.metrics();
    expect(text).toContain(`inferox_text_real_tokens_total{model="cls"} ${stats.realTokens}`);
    expect(text).toContain(`inferox_text_padded_tokens_total{model="cls"} ${stats.paddedTokens}`);
    expect(text).toMatch(/inferox_text_batches_total\{model="tiny-bert-st"\} \d+/);
  });

  it('answers CANCELLED when the signal is aborted and TIMEOUT when timeoutMs elapses first', async () => {
    await expectInferoxError(st.embed(['x'], { signal: AbortSignal.abort('stop') }), 'CANCELLED');
    const controller = new AbortController();
    const pending = st.embed(['x', 'y'], { signal: controller.signal });
    controller.abort('changed my mind');
    await expectInferoxError(pending, 'CANCELLED');
    await expectInferoxError(st.embed(['x'], { timeoutMs: 0 }), 'TIMEOUT', '0 ms');
    await expectInferoxError(st.embed(['x'], { timeoutMs: -1 }), 'INVALID_INPUT', 'timeoutMs');
    expect((await st.embed(['x'], { timeoutMs: 60_000 })).embeddings).toHaveLength(1);
  });

  it('names tokenizer.json when the folder lacks it', async () => {
    const dir = join(tmp, 'no-tokenizer');
    await cp(ST_DIR, dir, { recursive: true, filter: (src) => !src.endsWith('tokenizer.json') });
    await expectInferoxError(loadTextModel(engine, dir, { name: 'broken' }), 'PACKAGE_INVALID', 'tokenizer.json');
    await expectInferoxError(loadTextModel(engine, join(tmp, 'nowhere')), 'INVALID_INPUT', 'does not exist');
    await expectInferoxError(loadTextModel(engine, ST_DIR, { task: 'classification' }), 'INVALID_INPUT', 'ForSequenceClassification');
    await expectInferoxError(loadTextModel(engine, ST_DIR, { maxBatchTokens: 0 }), 'INVALID_INPUT', 'maxBatchTokens');
    await expectInferoxError(loadTextModel(engine, ST_DIR, { targetBatchMs: 0 }), 'INVALID_INPUT', 'targetBatchMs', 'got 0');
    await expectInferoxError(loadTextModel(engine, ST_DIR, { targetBatchMs: Number.NaN }), 'INVALID_INPUT', 'targetBatchMs', 'got NaN');
    await expectInferoxError(loadTextModel(engine, 'hf://not a repo'), 'INVALID_INPUT', 'hf://org/repo');
  });

  it('leaves the prompt out of pooling with include_prompt: false and applies default_prompt_name', async () => {
    const dir = join(tmp, 'no-prompt-pooling');
    await cp(ST_DIR, dir, { recursive: true });
    const pooling = JSON.parse(await readFile(join(dir, '1_Pooling', 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, '1_Pooling', 'config.json'), JSON.stringify({ ...pooling, include_prompt: false }));
    await writeFile(join(dir, 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 'query: ' }, default_prompt_name: 'query' }));
    const model = await loadTextModel(engine, dir, { name: 'no-prompt-pooling' });
    const item = ST_REFERENCE.items.find((i) => i.prompt_name === 'query')!;
    const withDefault = await model.embed([item.text]);
    const explicit = await model.embed([item.text], { promptName: 'query' });
    expect(withDefault.tokens).toBe(item.input_ids.length);
    expect(maxAbsDiff(withDefault.embeddings[0]!, explicit.embeddings[0]!)).toBe(0);
    // The same ids, pooled without [CLS] and the prompt's tokens: no longer the reference (which pools them all).
    expect(maxAbsDiff(withDefault.embeddings[0]!, item.embedding)).toBeGreaterThan(1e-3);
    const noPrompt = await model.embed([item.text], { prompt: '' });
    expect(noPrompt.tokens).toBe(item.input_ids.length - 2);
    await model.dispose();
  });

  it('scores each label with a sigmoid when the model is multi-label', async () => {
    const dir = join(tmp, 'multi-label');
    await cp(CLS_DIR, dir, { recursive: true });
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, problem_type: 'multi_label_classification' }));
    const model = await loadTextModel(engine, dir, { name: 'multi-label' });
    const item = CLS_REFERENCE.items[0]!;
    const [scores] = await model.classify([item.text]);
    const expected = item.logits.map((l) => 1 / (1 + Math.exp(-l)));
    const got = ['negative', 'neutral', 'positive'].map((label) => scores!.find((r) => r.label === label)!.score);
    expect(maxAbsDiff(got, expected)).toBeLessThanOrEqual(1e-4);
    expect(model.info.problemType).toBe('multi_label_classification');
    await model.dispose();
  });

  it('unloads the engine model on dispose and answers DISPOSED afterwards', async () => {
    const model = await loadTextModel(engine, ST_DIR, { name: 'short-lived' });
    expect(engine.list().some((m) => m.name === 'short-lived')).toBe(true);
    expect(await engine.metrics.metrics()).toContain('model="short-lived"');
    await model.dispose();
    await model.dispose();
    expect(engine.list().some((m) => m.name === 'short-lived')).toBe(false);
    expect(await engine.metrics.metrics()).not.toContain('model="short-lived"');
    await expectInferoxError(model.embed(['x']), 'DISPOSED', 'short-lived');
  });
});

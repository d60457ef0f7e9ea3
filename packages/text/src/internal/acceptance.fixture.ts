import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import type { Backend } from '@inferox/core';
import { maxAbsDiff } from '@inferox/core/testing';
import { type Engine, createEngine } from '@inferox/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTextModel } from '../load-text-model';
import type { LoadTextModelOptions, TextModel } from '../text-model';

export const FIXTURES = fileURLToPath(new URL('../../../../fixtures/', import.meta.url));
export const ST_DIR = join(FIXTURES, 'tiny-bert-st');
export const CLS_DIR = join(FIXTURES, 'tiny-bert-cls');

export interface StItem {
  readonly text: string;
  readonly prompt_name: string | null;
  readonly input_ids: number[];
  readonly embedding: number[];
}
export interface ClsItem {
  readonly text: string;
  readonly text_pair: string | null;
  readonly input_ids: number[];
  readonly token_type_ids: number[];
  readonly logits: number[];
  readonly scores: number[];
  readonly label: string;
}

export const ST_REFERENCE = JSON.parse(readFileSync(join(ST_DIR, 'reference.json'), 'utf8')) as { items: StItem[] };
export const CLS_REFERENCE = JSON.parse(readFileSync(join(CLS_DIR, 'reference.json'), 'utf8')) as { items: ClsItem[] };

/** Which backend a suite runs on and how its weights are given. */
export interface AcceptanceTarget {
  readonly label: string;
  readonly backend: () => Backend;
  readonly load?: Pick<LoadTextModelOptions, 'preferOnnxFile'>;
}

const inputOf = (item: ClsItem): string | [string, string] => (item.text_pair === null ? item.text : [item.text, item.text_pair]);

/**
 * The acceptance on one backend: reference ids for every text, embeddings within 1e-5 with and without the
 * `query` prompt, classification logits within 1e-3 and labels equal, alone and inside mixed-length batches.
 */
export function describeTextAcceptance(target: AcceptanceTarget): void {
  describe(`text acceptance on ${target.label}`, () => {
    let engine: Engine;
    let st: TextModel;
    let cls: TextModel;
    beforeAll(async () => {
      const backend = target.backend();
      engine = createEngine({ backends: [backend] });
      st = await loadTextModel(engine, ST_DIR, { backends: [backend.name], ...target.load });
      cls = await loadTextModel(engine, CLS_DIR, { backends: [backend.name], ...target.load });
    }, 120_000);
    afterAll(async () => {
      await engine?.close();
    });

    it('gives the reference ids for every text when tokenizing with and without the prompt', async () => {
      for (const item of ST_REFERENCE.items) {
        const [tokens] = await st.tokenize([item.text], item.prompt_name ? { promptName: item.prompt_name } : {});
        expect(tokens!.map((t) => t.id), item.text).toEqual(item.input_ids);
      }
    });

    it('matches the reference embeddings within 1e-5 when each text runs alone', async () => {
      for (const item of ST_REFERENCE.items) {
        const { embeddings, tokens } = await st.embed([item.text], item.prompt_name ? { promptName: item.prompt_name } : {});
        expect(tokens).toBe(item.input_ids.length);
        expect(maxAbsDiff(embeddings[0]!, item.embedding), item.text).toBeLessThanOrEqual(1e-5);
      }
    });

    it('matches the reference embeddings within 1e-5 when texts of mixed lengths share batches', async () => {
      const plain = ST_REFERENCE.items.filter((i) => i.prompt_name === null);
      const query = ST_REFERENCE.items.filter((i) => i.prompt_name === 'query');
      const [a, b] = await Promise.all([st.embed(plain.map((i) => i.text)), st.embed(query.map((i) => i.text), { promptName: 'query' })]);
      plain.forEach((item, i) => expect(maxAbsDiff(a.embeddings[i]!, item.embedding), item.text).toBeLessThanOrEqual(1e-5));
      query.forEach((item, i) => expect(maxAbsDiff(b.embeddings[i]!, item.embedding), item.text).toBeLessThanOrEqual(1e-5));
      expect(st.stats().paddedTokens).toBeGreaterThan(st.stats().realTokens);
    });

    it('matches the reference logits within 1e-3 and the labels when each input runs alone', async () => {
      for (const item of CLS_REFERENCE.items) {
        const [raw] = await cls.classify([inputOf(item)], { rawScores: true });
        const logits = ['negative', 'neutral', 'positive'].map((label) => raw!.find((r) => r.label === label)!.score);
        expect(maxAbsDiff(logits, item.logits), item.text).toBeLessThanOrEqual(1e-3);
        const [scored] = await cls.classify([inputOf(item)]);
        expect(scored![0]!.label, item.text).toBe(item.label);
      }
    });

    it('matches the reference scores within 1e-4 and labels when inputs and pairs share a batch', async () => {
      const results = await cls.classify(CLS_REFERENCE.items.map(inputOf));
      CLS_REFERENCE.items.forEach((item, i) => {
        const scores = ['negative', 'neutral', 'positive'].map((label) => results[i]!.find((r) => r.label === label)!.score);
        expect(maxAbsDiff(scores, item.scores), item.text).toBeLessThanOrEqual(1e-4);
        expect(results[i]![0]!.label).toBe(item.label);
      });
    });
  });
}

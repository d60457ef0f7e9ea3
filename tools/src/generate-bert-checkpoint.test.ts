import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSafetensors } from '@inferox/core';
import { afterAll, describe, expect, it } from 'vitest';
import { generateBertCheckpoint } from './generate-bert-checkpoint';

const dir = mkdtempSync(join(tmpdir(), 'gen-bert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generateBertCheckpoint', () => {
  it('writes the fixture parameter names and shapes when given the tiny preset', async () => {
    const out = join(dir, 'tiny');
    const { weightBytes } = await generateBertCheckpoint(out, 'tiny');
    const mine = parseSafetensors(readFileSync(join(out, 'model.safetensors')));
    const fixture = parseSafetensors(readFileSync(join(import.meta.dirname, '../../fixtures/tiny-bert-hf/model.safetensors')));
    const shapes = (f: typeof mine): Record<string, readonly number[]> => Object.fromEntries([...f.tensors].map(([k, v]) => [k, v.shape]));
    expect(shapes(mine)).toEqual(shapes(fixture));
    expect(weightBytes).toBe([...mine.tensors.values()].reduce((n, t) => n + t.bytes.length, 0));
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'bert', hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 2 });
  });

  it('writes the same bytes for the same seed and different bytes for another seed', async () => {
    const size = { hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, vocab_size: 50, max_position_embeddings: 16 };
    await generateBertCheckpoint(join(dir, 'a'), size, 1);
    await generateBertCheckpoint(join(dir, 'b'), size, 1);
    await generateBertCheckpoint(join(dir, 'c'), size, 2);
    const read = (d: string): Buffer => readFileSync(join(dir, d, 'model.safetensors'));
    expect(read('a').equals(read('b'))).toBe(true);
    expect(read('a').equals(read('c'))).toBe(false);
  });

  it('refuses a head count that does not divide the hidden size', async () => {
    await expect(generateBertCheckpoint(join(dir, 'bad'), { hidden_size: 10, num_hidden_layers: 1, num_attention_heads: 3, intermediate_size: 4 })).rejects.toThrow(
      'hidden_size 10 is not divisible by num_attention_heads 3',
    );
  });
});

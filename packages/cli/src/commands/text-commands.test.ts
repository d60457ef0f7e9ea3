import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { maxAbsDiff } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import { inferoxArgs } from '../cli-child.fixture';

const fixtures = resolve(import.meta.dirname, '../../../../fixtures');
const st = join(fixtures, 'tiny-bert-st');
const cls = join(fixtures, 'tiny-bert-cls');
const stReference = (JSON.parse(readFileSync(join(st, 'reference.json'), 'utf8')) as { items: { text: string; prompt_name: string | null; embedding: number[] }[] }).items;
const clsReference = (JSON.parse(readFileSync(join(cls, 'reference.json'), 'utf8')) as { items: { text: string; text_pair: string | null; label: string; scores: number[] }[] }).items;

/** Runs the real CLI from sources, with `stdin` written to it. */
function cli(args: readonly string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, inferoxArgs(...args), { cwd: import.meta.dirname, timeout: 170_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const jsonLines = (text: string): unknown[] =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);

// Sequential and generous: each child boots tsx and a backend, and the machine is shared.
describe('inferox embed / classify / rerank (child process)', { timeout: 180_000 }, () => {
  it('writes one JSON line per text argument with the reference embeddings when embedding', async () => {
    const items = stReference.filter((i) => i.prompt_name === 'query').slice(0, 2);
    const result = await cli(['embed', st, '--prompt-name', 'query', ...items.map((i) => i.text)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout) as { index: number; embedding: number[] }[];
    expect(lines.map((l) => l.index)).toEqual([0, 1]);
    lines.forEach((line, i) => expect(maxAbsDiff(line.embedding, items[i]!.embedding)).toBeLessThanOrEqual(1e-5));
  });

  it('reads one text per line from stdin and keeps the first dimensions on tfjs', async () => {
    const items = stReference.filter((i) => i.prompt_name === null).slice(0, 3);
    const result = await cli(['embed', st, '--backend', 'tfjs', '--runtime', 'cpu', '--dimensions', '8'], `${items.map((i) => i.text).join('\n')}\n`);
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout) as { index: number; embedding: number[] }[];
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line.embedding).toHaveLength(8);
      expect(Math.hypot(...line.embedding)).toBeCloseTo(1, 5);
    }
  });

  it('writes the labels best first when classifying', async () => {
    const items = clsReference.filter((i) => i.text_pair === null).slice(0, 3);
    const result = await cli(['classify', cls, '--top-k', '1', ...items.map((i) => i.text)]);
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout) as { index: number; labels: { label: string; score: number }[] }[];
    expect(lines.map((l) => l.labels[0]!.label)).toEqual(items.map((i) => i.label));
    lines.forEach((line, i) => expect(line.labels[0]!.score).toBeCloseTo(Math.max(...items[i]!.scores), 4));
  });

  it('writes the passages best first with their index when reranking', async () => {
    const result = await cli(['rerank', cls, '--query', 'What is the capital of Japan?', '--return-text', 'Short.', '東京は日本の首都です。']);
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout) as { index: number; score: number; text: string }[];
    expect(lines.map((l) => l.index).sort()).toEqual([0, 1]);
    expect(lines[0]!.score).toBeGreaterThanOrEqual(lines[1]!.score);
    const pair = clsReference.find((i) => i.text_pair === '東京は日本の首都です。')!;
    expect(lines.find((l) => l.index === 1)).toEqual({ index: 1, score: expect.closeTo(pair.scores[2]!, 4), text: '東京は日本の首都です。' });
  });

  it('exits 1 with a typed error line when the task does not fit the model or no text is given', async () => {
    const wrongTask = await cli(['classify', st, 'hello']);
    expect(wrongTask.code).toBe(1);
    expect(wrongTask.stderr).toMatch(/INVALID_INPUT.*ForSequenceClassification/);
    const empty = await cli(['embed', st]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/INVALID_INPUT.*no texts/);
    const usage = await cli(['rerank', cls, 'passage']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--query');
  });
});

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { maxAbsDiff } from '@inferox/core/testing';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../cli-io';
import { runCli } from '../program';

const fixtures = resolve(import.meta.dirname, '../../../../fixtures');
const st = join(fixtures, 'tiny-bert-st');
const cls = join(fixtures, 'tiny-bert-cls');
const stReference = (JSON.parse(readFileSync(join(st, 'reference.json'), 'utf8')) as { items: { text: string; prompt_name: string | null; embedding: number[] }[] }).items;

/** Runs the CLI in this process with `stdin` as input; returns the exit code and what was written. */
async function run(argv: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: () => Promise.resolve(stdin), isTTY: false };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const lines = (text: string): Record<string, unknown>[] =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('runCli text commands', () => {
  it('embeds stdin lines on onnx with the reference values when no text argument is given', async () => {
    const items = stReference.filter((i) => i.prompt_name === null).slice(0, 2);
    const result = await run(['embed', st, '--backend', 'onnx'], `${items.map((i) => i.text).join('\r\n')}\r\n`);
    expect(result.stderr).toBe('');
    const out = lines(result.stdout) as { index: number; embedding: number[] }[];
    expect(out.map((l) => l.index)).toEqual([0, 1]);
    out.forEach((l, i) => expect(maxAbsDiff(l.embedding, items[i]!.embedding)).toBeLessThanOrEqual(1e-5));
  });

  it('passes --no-normalize, --no-truncate and --dimensions to embed', async () => {
    const result = await run(['embed', st, '--no-normalize', '--dimensions', '4', 'hello']);
    const [line] = lines(result.stdout) as { embedding: number[] }[];
    expect(line!.embedding).toHaveLength(4);
    expect(Math.hypot(...line!.embedding)).not.toBeCloseTo(1, 3);
    const long = stReference.find((i) => i.text.length > 200)!.text;
    const refused = await run(['embed', st, '--no-truncate', long]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/INVALID_INPUT.*146 tokens.*128/);
    const bad = await run(['embed', st, '--dimensions', 'x', 'hello']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--dimensions must be a whole number');
  });

  it('classifies with raw scores and reranks with topN', async () => {
    const classified = await run(['classify', cls, '--raw-scores', '--top-k', '2', 'Hello world!']);
    const [c] = lines(classified.stdout) as { labels: { label: string; score: number }[] }[];
    expect(c!.labels.map((l) => l.label)).toEqual(['positive', 'neutral']);
    expect(c!.labels[0]!.score).toBeCloseTo(0.5762, 3);
    const ranked = await run(['rerank', cls, '--query', 'q', '--top-n', '1', '--raw-scores', 'a', 'b']);
    expect(lines(ranked.stdout)).toHaveLength(1);
    const plain = await run(['classify', cls, '--no-truncate', 'Hello world!']);
    expect((lines(plain.stdout)[0] as { labels: unknown[] }).labels).toHaveLength(3);
    const texts = await run(['rerank', cls, '--query', 'q', '--return-text', '--no-truncate'], 'a\nb\n');
    expect(lines(texts.stdout).map((l) => l.text).sort()).toEqual(['a', 'b']);
  });

  it('runs on the first backend with auto, and refuses an unknown backend and an empty stdin', async () => {
    const auto = await run(['embed', st, '--backend', 'auto', '--providers', 'cpu', 'x']);
    expect(auto.code).toBe(0);
    expect(lines(auto.stdout)).toHaveLength(1);
    const unknown = await run(['embed', st, '--backend', 'gpu', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('gpu');
    const empty = await run(['rerank', cls, '--query', 'q']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/INVALID_INPUT.*no passages/);
  });
});

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchProfile } from '../bench-profile';
import { createBenchContext } from './create-bench-context';

describe('createBenchContext', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'inferox-bench-context-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('prepares a model once per work folder: a later context (the next scenario’s process) reuses its ONNX file', async () => {
    const logs: string[][] = [[], []];
    const contexts = logs.map((log) => createBenchContext({ profile: benchProfile(true), threads: 1, workDir, log: (m) => log.push(m) }));
    const first = await contexts[0]!.model('tiny');
    const written = (await stat(first.onnxPath)).mtimeMs;
    const second = await contexts[1]!.model('tiny');
    expect(second).toEqual(first);
    expect((await stat(second.onnxPath)).mtimeMs).toBe(written);
    expect(logs.map((l) => l.length)).toEqual([1, 0]);
    expect(logs[0]![0]).toMatch(/^ {2}prepared tiny: [\d.]+ MiB of weights, hidden \d+$/);
  });
});

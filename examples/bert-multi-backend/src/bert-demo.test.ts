import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isInferoxError } from '@inferox/core';
import { startTestHub } from '@inferox/hub-cache/testing';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runBertDemo } from './bert-demo';
import { EMBEDDED_MODEL_DIR } from './embedded-model';
import { loadBertBaseUncasedVocab } from './vocab';

const quiet = { print: () => {}, warn: () => {} };
const tmp = mkdtempSync(join(tmpdir(), 'bert-demo-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('runBertDemo', () => {
  it('serves each route on its backend with outputs agreeing within 1e-4, then falls back to onnx when tfjs is made unavailable', async () => {
    const lines: string[] = [];
    const report = await runBertDemo({ rounds: 1, tfjsRuntime: 'wasm', print: (l) => lines.push(l), warn: () => {} });
    expect(report.rows.map((r) => [r.route, r.servedBy])).toEqual([
      ['onnx', 'onnx'],
      ['tfjs', 'tfjs'],
      ['auto', 'onnx'],
    ]);
    expect(report.rows.find((r) => r.route === 'tfjs')!.runtime).toBe('wasm');
    for (const row of report.rows) expect(row.maxAbsDiffVsOnnx).toBeLessThanOrEqual(1e-4);
    expect(report.rows.find((r) => r.route === 'tfjs')!.maxAbsDiffVsOnnx).toBeGreaterThan(0);
    expect(report.fallback).toMatchObject({ asked: 'tfjs', servedBy: 'onnx' });
    expect(report.fallback!.reason).toContain('BACKEND_UNAVAILABLE');
    expect(lines.join('\n')).toContain('metadata.backend  served by  runtime  p50 ms  max |Δ| vs onnx');
    expect(report.truncated).toEqual([]);
  });

  it('truncates an over-long sentence to max_position_embeddings with a warning', async () => {
    const warnings: string[] = [];
    const report = await runBertDemo({ rounds: 1, tfjsRuntime: 'wasm', sentences: ['word '.repeat(600), 'short'], print: () => {}, warn: (l) => warnings.push(l) });
    expect(report.maxPositions).toBe(512);
    expect(report.truncated).toEqual([0]);
    expect(warnings).toEqual(["warning: sentence 0 is longer than the model's 512 positions and was truncated"]);
  });

  it('rejects with INVALID_INPUT when the input is empty', async () => {
    const empty = await runBertDemo({ sentences: [], ...quiet }).catch((e: unknown) => e);
    expect(isInferoxError(empty, 'INVALID_INPUT')).toBe(true);
    expect((empty as Error).message).toContain('no input');
    const rounds = await runBertDemo({ rounds: Number('x'), ...quiet }).catch((e: unknown) => e);
    expect(isInferoxError(rounds, 'INVALID_INPUT')).toBe(true);
    expect((rounds as Error).message).toBe('rounds must be a whole number ≥ 1, got NaN');
    const blank = await runBertDemo({ sentences: ['fine', ['a', '  ']], ...quiet }).catch((e: unknown) => e);
    expect(isInferoxError(blank, 'INVALID_INPUT')).toBe(true);
    expect((blank as Error).message).toBe('sentence 1 is empty');
  });

  it('packs a hub repo through the cache when given --model', async () => {
    const vocab = `${(await loadBertBaseUncasedVocab()).join('\n')}\n`;
    const hub = await startTestHub({
      repos: [{ id: 'acme/bert', files: { 'config.json': readFileSync(join(EMBEDDED_MODEL_DIR, 'config.json')), 'model.safetensors': readFileSync(join(EMBEDDED_MODEL_DIR, 'model.safetensors')), 'vocab.txt': vocab } }],
    });
    vi.stubEnv('HF_ENDPOINT', hub.url);
    vi.stubEnv('HF_HUB_CACHE', join(tmp, 'cache'));
    try {
      const lines: string[] = [];
      const report = await runBertDemo({ model: 'acme/bert', rounds: 1, tfjsRuntime: 'cpu', print: (l) => lines.push(l), warn: () => {} });
      expect(lines[0]).toContain('packing acme/bert from the hub');
      expect(report.rows.find((r) => r.route === 'tfjs')!.maxAbsDiffVsOnnx).toBeLessThanOrEqual(1e-4);
    } finally {
      await hub.close();
    }
  });
});

describe('main (npm start)', () => {
  it('runs offline and exits 0, printing the table and the fallback', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--conditions=@inferox/source', join(import.meta.dirname, 'main.ts'), '--rounds', '2'], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, HF_HUB_OFFLINE: '1' },
      timeout: 90_000,
    });
    expect(stdout).toMatch(/^tfjs {14}tfjs /m);
    expect(stdout).toContain('after falling back from tfjs');
  });

  it('exits 1 with one error line when given an empty sentence', async () => {
    const error = (await promisify(execFile)(process.execPath, ['--import', 'tsx', '--conditions=@inferox/source', join(import.meta.dirname, 'main.ts'), '--text', ''], {
      cwd: join(import.meta.dirname, '..'),
      timeout: 90_000,
    }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr.trim()).toBe('error [INVALID_INPUT]: sentence 0 is empty');
  });
});


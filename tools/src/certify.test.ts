import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { afterAll, describe, expect, it } from 'vitest';
import { type CertifyTarget, formatResult, main } from './certify';

const fixture = resolve(import.meta.dirname, '../../fixtures/tiny-bert-hf');
const tmp = mkdtempSync(join(tmpdir(), 'certify-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const targets: CertifyTarget[] = [
  { name: 'onnx', create: () => createOnnxBackend() },
  { name: 'tfjs/node', create: () => createTfjsBackend({ runtime: 'node' }) },
  { name: 'tfjs/wasm', create: () => createTfjsBackend({ runtime: 'wasm' }) },
];

describe('certify', () => {
  it('certifies both onnx variants and tfjs against reference.json and skips what is not installed', async () => {
    const lines: string[] = [];
    expect(await main((l) => lines.push(l), fixture, targets)).toBe(0);
    expect(lines.filter((l) => l.startsWith('certified '))).toHaveLength(3);
    expect(lines.some((l) => /^certified onnx\/cpu \(graph\) max_abs=\d\.\de-\d+ in \d+ ms$/.test(l))).toBe(true);
    expect(lines.some((l) => /^certified onnx\/cpu \(weights\) max_abs=/.test(l))).toBe(true);
    expect(lines.some((l) => /^certified tfjs\/wasm max_abs=/.test(l))).toBe(true);
    // tfjs-node is an optional peer: skipped where it is not installed (here), certified where it is.
    expect(lines.some((l) => (l.startsWith('skipped tfjs/node (') && l.includes('not installed')) || l.startsWith('certified tfjs/node'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^[34] certified, 0 failed, [01] skipped in /);
  });

  it('fails naming the backend when an output is off by more than 1e-4', async () => {
    const broken = join(tmp, 'broken');
    cpSync(fixture, broken, { recursive: true });
    const reference = JSON.parse(readFileSync(join(broken, 'reference.json'), 'utf8'));
    reference.pooler_output[1][5] += 0.001;
    writeFileSync(join(broken, 'reference.json'), JSON.stringify(reference));
    const lines: string[] = [];
    expect(await main((l) => lines.push(l), broken, targets.slice(0, 1))).toBe(1);
    expect(lines[0]).toMatch(/^FAILED onnx\/cpu \(graph\) max_abs=1\.0e-3 in \d+ ms \(max_abs above 0\.0001\)$/);
  });

  it('fails when nothing could be certified', async () => {
    const lines: string[] = [];
    const nothing: CertifyTarget = { name: 'tfjs/none', create: () => createTfjsBackend({ runtime: 'node-gpu' }) };
    const available = await nothing.create().isAvailable();
    expect(await main((l) => lines.push(l), fixture, [nothing])).toBe(available ? 0 : 1);
    if (!available) expect(lines.at(-1)).toMatch(/^0 certified, 0 failed, 1 skipped/);
  });

  it('fails, and does not hang, when the budget runs out', async () => {
    const lines: string[] = [];
    expect(await main((l) => lines.push(l), fixture, targets.slice(0, 1), 1)).toBe(1);
    expect(lines.at(-1)).toMatch(/^FAILED: /);
  });

  it('formats a failure with its reason and no numbers it does not have', () => {
    expect(formatResult({ target: 'tfjs/cpu', status: 'failed', reason: 'boom' })).toBe('FAILED tfjs/cpu (boom)');
  });
});

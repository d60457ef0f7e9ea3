import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expectInferoxError, maxAbsDiff } from '@inferox/core/testing';
import { type Engine, createEngine } from '@inferox/engine';
import { type TestHub, startTestHub } from '@inferox/hub-cache/testing';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ST_DIR, ST_REFERENCE } from './internal/acceptance.fixture';
import { loadTextModel } from './load-text-model';

async function filesOf(dir: string): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(dir, path).split('\\').join('/')] = await readFile(path);
  }
  return out;
}

describe('loadTextModel sources', () => {
  let engine: Engine;
  let hub: TestHub;
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'inferox-text-hub-'));
    hub = await startTestHub({ repos: [{ id: 'org/tiny-bert-st', files: await filesOf(ST_DIR) }] });
    engine = createEngine({ backends: [createOnnxBackend()] });
  });
  afterAll(async () => {
    await engine?.close();
    await hub?.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('downloads hf://org/repo@rev through hub-cache and embeds as the local folder does', async () => {
    const model = await loadTextModel(engine, 'hf://org/tiny-bert-st@main', { hub: { cacheDir, endpoint: hub.url } });
    expect(model.name).toBe('tiny-bert-st');
    const item = ST_REFERENCE.items[0]!;
    const { embeddings } = await model.embed([item.text]);
    expect(maxAbsDiff(embeddings[0]!, item.embedding)).toBeLessThanOrEqual(1e-5);
    const paths = hub.requests.map((r) => decodeURIComponent(r.path));
    expect(paths.some((p) => p.includes('onnx/model.onnx'))).toBe(true);
    expect(paths.some((p) => p.includes('reference.json'))).toBe(true);
  });

  it('answers HUB_ERROR naming the repo when the hub does not have it', async () => {
    await expectInferoxError(loadTextModel(engine, 'hf://org/missing', { hub: { cacheDir, endpoint: hub.url } }), 'HUB_ERROR', 'org/missing');
  });
});

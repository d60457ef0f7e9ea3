import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Tensor, isInferoxError } from '@inferox/core';
import { type BertReference, bertReferenceFeeds, expectBertReference } from '@inferox/core/testing';
import { createEngine, type Engine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIntoEngine, type EngineReplicaSpec } from './load-into-engine';
import { openPackage } from './open-package';
import { TINY_BERT, packTinyBert, removeTempDirs } from './test-support/temp-package';

let reference: BertReference;
let pkg: string;
let engine: Engine;

function feeds(): Record<string, Tensor> {
  return bertReferenceFeeds(reference);
}

function expectReference(outputs: Readonly<Record<string, Tensor>>): void {
  expectBertReference(outputs, reference);
}

beforeAll(async () => {
  reference = JSON.parse(await readFile(join(TINY_BERT, 'reference.json'), 'utf8')) as BertReference;
  pkg = await packTinyBert();
  engine = createEngine({ backends: [createOnnxBackend(), createTfjsBackend({ runtime: 'wasm' })] });
});
afterAll(async () => {
  await engine.close();
  await removeTempDirs();
});

describe('loadIntoEngine', () => {
  it('reproduces reference.json on onnx (torch graph), onnx (built from weights) and tfjs when loaded into one engine', async () => {
    const choices = [
      { name: 'bert-onnx-graph', backend: 'onnx', variant: 'graph' },
      { name: 'bert-onnx-weights', backend: 'onnx', variant: 'weights' },
      { name: 'bert-tfjs', backend: 'tfjs', variant: 'weights' },
    ];
    for (const { name, backend, variant } of choices) {
      const info = await loadIntoEngine(engine, pkg, { name, backends: [{ backend, variant }] });
      expect(info.replicas.map((r) => r.backend)).toEqual([backend]);
      expect(info.metadata).toMatchObject({ format: variant === 'graph' ? 'onnx' : 'hf-checkpoint' });
    }
    expect(engine.list().map((m) => m.name).sort()).toEqual(['bert-onnx-graph', 'bert-onnx-weights', 'bert-tfjs']);
    for (const { name, backend } of choices) {
      const input = feeds();
      const result = await engine.infer(name, input);
      expect(result.backend).toBe(backend);
      expectReference(result.outputs);
      for (const t of [...Object.values(input), ...Object.values(result.outputs)]) t.dispose();
    }
  });

  it('places one replica per supported backend and serves either when no backend is named', async () => {
    const info = await loadIntoEngine(engine, pkg, { name: 'bert-all', verify: false, spec: { maxQueueSize: 8 } });
    expect(info.replicas.map((r) => r.backend)).toEqual(['onnx', 'tfjs']);
    for (const backend of ['onnx', 'tfjs']) {
      const result = await engine.infer('bert-all', feeds(), { backend });
      expect(result.backend).toBe(backend);
      expectReference(result.outputs);
    }
  });

  it('declares in model_info.json the signature each backend reports when loading a variant', async () => {
    const opened = await openPackage(pkg, { verify: false });
    const onnx = createOnnxBackend();
    try {
      for (const variant of opened.modelInfo.backends.onnx!.variants) {
        const spec = opened.backends.onnx!.variants[variant.name]!;
        await using handle = await onnx.loadModel(spec.source, spec.options);
        expect(handle.name).toBe('tiny-bert');
        expect({ inputs: [...handle.signature.inputs], outputs: [...handle.signature.outputs] }).toEqual(variant.signature);
      }
    } finally {
      await onnx.dispose();
    }
  });

  it('refuses a backend the package does not offer before calling the engine', async () => {
    const calls: string[] = [];
    const recorder = {
      load: (name: string): Promise<string> => {
        calls.push(name);
        return Promise.resolve(name);
      },
    };
    const error = await loadIntoEngine(recorder, pkg, { name: 'x', backends: ['webgpu'], verify: false }).catch((e: unknown) => e);
    expect(isInferoxError(error, 'INVALID_INPUT')).toBe(true);
    expect(calls).toEqual([]);
  });

  it('passes replicas, extra load options, spec fields and the signal through when given any loader', async () => {
    const seen: { name: string; spec: { replicas: readonly EngineReplicaSpec[] }; signal: AbortSignal | undefined }[] = [];
    const recorder = {
      load: (name: string, spec: { readonly replicas: readonly EngineReplicaSpec[] }, options?: { signal?: AbortSignal }): Promise<number> => {
        seen.push({ name, spec, signal: options?.signal });
        return Promise.resolve(seen.length);
      },
    };
    const controller = new AbortController();
    const result = await loadIntoEngine(recorder, pkg, {
      name: 'bert',
      verify: false,
      signal: controller.signal,
      backends: [{ backend: 'tfjs', options: { device: 'wasm' } }, 'onnx'],
      spec: { version: 2 },
    });
    expect(result).toBe(1);
    const opened = await openPackage(pkg, { verify: false });
    expect(seen[0]).toEqual({
      name: 'bert',
      signal: controller.signal,
      spec: {
        version: 2,
        replicas: [
          { backend: 'tfjs', source: opened.backends.tfjs!.default.source, options: { name: 'bert', device: 'wasm' } },
          { backend: 'onnx', source: opened.backends.onnx!.variants.graph!.source, options: { name: 'bert' } },
        ],
      },
    });
  });
});

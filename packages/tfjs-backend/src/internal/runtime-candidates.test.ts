import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import type { InferoxError } from '@inferox/core';
import { expectInferoxError } from '@inferox/core/testing';
import { type RuntimeModuleLoader, defaultModuleLoader, selectRuntime } from './runtime-candidates';

// tfjs-node cannot be installed here, so its faults are produced by a loader standing in for the real one; the tfjs
// engine, its registry and setBackend stay real.
function loader(behaviour: Record<string, 'missing' | 'unresolvable' | 'load-fails' | 'registers-nothing' | 'init-fails' | 'works'>): RuntimeModuleLoader {
  return {
    resolve: (specifier) => {
      if (behaviour[specifier] === 'missing') throw Object.assign(new Error(`Cannot find module '${specifier}'`), { code: 'MODULE_NOT_FOUND' });
      if (behaviour[specifier] === 'unresolvable') throw new Error(`Invalid package config ${specifier}/package.json`);
      return `/node_modules/${specifier}/index.js`;
    },
    import: async (specifier) => {
      switch (behaviour[specifier]) {
        case 'load-fails':
          throw new Error('libtensorflow.so.2: cannot open shared object file');
        case 'registers-nothing':
          return {};
        case 'init-fails':
          tf.registerBackend('tensorflow', () => {
            throw new Error('CUDA driver version is insufficient');
          });
          return {};
        case 'works':
          tf.registerBackend('tensorflow', () => new MathBackendCPU());
          return {};
        default:
          return defaultModuleLoader.import(specifier);
      }
    },
  };
}

const causeOf = (attempt: { cause: unknown } | undefined): InferoxError => attempt!.cause as InferoxError;

describe('selectRuntime', () => {
  afterEach(async () => {
    if (tf.engine().registryFactory.tensorflow) tf.removeBackend('tensorflow');
    await tf.setBackend('wasm');
  });

  it('falls back past a runtime that is missing and one that fails to load, reporting each cause', async () => {
    const selection = await selectRuntime(tf, 'auto', loader({ '@tensorflow/tfjs-node-gpu': 'missing', '@tensorflow/tfjs-node': 'load-fails' }));
    expect(selection).toMatchObject({ runtime: 'wasm', tfjsBackend: 'wasm', devices: [{ kind: 'wasm' }] });
    expect(selection.attempts.map((a) => a.candidate)).toEqual(['node-gpu', 'node']);
    expect(causeOf(selection.attempts[0]).message).toBe('tfjs runtime node-gpu: @tensorflow/tfjs-node-gpu is not installed');
    expect(causeOf(selection.attempts[1]).message).toContain('@tensorflow/tfjs-node failed to load: libtensorflow.so.2');
    expect((causeOf(selection.attempts[1]).cause as Error).message).toContain('cannot open shared object');
  });

  it('reports failed to initialise when the package loads but its backend does not start', async () => {
    const selection = await selectRuntime(tf, 'auto', loader({ '@tensorflow/tfjs-node-gpu': 'init-fails', '@tensorflow/tfjs-node': 'missing' }));
    expect(selection.runtime).toBe('wasm');
    expect(causeOf(selection.attempts[0]).message).toContain('@tensorflow/tfjs-node-gpu failed to initialise');
    tf.removeBackend('tensorflow');
    const nothing = await selectRuntime(tf, 'auto', loader({ '@tensorflow/tfjs-node-gpu': 'registers-nothing', '@tensorflow/tfjs-node': 'missing' }));
    expect(causeOf(nothing.attempts[0]).message).toContain('failed to initialise');
    expect(causeOf(nothing.attempts[0]).message).toContain('tensorflow');
  });

  it('picks node-gpu with a cuda device, or node with a cpu device, when they work', async () => {
    const gpu = await selectRuntime(tf, 'auto', loader({ '@tensorflow/tfjs-node-gpu': 'works' }));
    expect(gpu).toEqual({ runtime: 'node-gpu', tfjsBackend: 'tensorflow', devices: [{ kind: 'cuda' }], attempts: [] });
    expect(tf.getBackend()).toBe('tensorflow');
    tf.removeBackend('tensorflow');
    const node = await selectRuntime(tf, 'auto', loader({ '@tensorflow/tfjs-node-gpu': 'missing', '@tensorflow/tfjs-node': 'works' }));
    expect(node).toMatchObject({ runtime: 'node', devices: [{ kind: 'cpu' }] });
    expect(node.attempts.map((a) => a.candidate)).toEqual(['node-gpu']);
  });

  it('rejects with BACKEND_UNAVAILABLE listing every attempt when no runtime works', async () => {
    const none = loader({
      '@tensorflow/tfjs-node-gpu': 'missing',
      '@tensorflow/tfjs-node': 'missing',
      '@tensorflow/tfjs-backend-wasm': 'missing',
      '@tensorflow/tfjs-backend-cpu': 'load-fails',
    });
    const error = await expectInferoxError(selectRuntime(tf, 'auto', none), 'BACKEND_UNAVAILABLE', 'requested auto', 'tfjs-backend-wasm is not installed', 'tfjs-backend-cpu failed to load');
    expect((error.details.attempts as { candidate: string }[]).map((a) => a.candidate)).toEqual(['node-gpu', 'node', 'wasm', 'cpu']);
  });

  it('says the package cannot be resolved, not that it is missing, when resolution fails otherwise', async () => {
    const selection = await selectRuntime(tf, 'auto', loader({ '@tensorflow/tfjs-node-gpu': 'unresolvable', '@tensorflow/tfjs-node': 'missing' }));
    expect(causeOf(selection.attempts[0]).message).toBe(
      'tfjs runtime node-gpu: @tensorflow/tfjs-node-gpu cannot be resolved: Invalid package config @tensorflow/tfjs-node-gpu/package.json',
    );
  });

  it('tries only the runtime asked for when one is named', async () => {
    const selection = await selectRuntime(tf, 'cpu', loader({}));
    expect(selection).toEqual({ runtime: 'cpu', tfjsBackend: 'cpu', devices: [{ kind: 'cpu' }], attempts: [] });
  });
});

import type { LoadModelOptions } from '@inferox/core';
import { type Engine, type ModelInfo, createEngine } from '@inferox/engine';
import { type OnnxLoadModelOptions, createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { describe, expectTypeOf, it } from 'vitest';
import { type EngineLoader, loadIntoEngine } from './load-into-engine';

// Checked by tsc through vitest typecheck: an @ts-expect-error whose line compiles fails the run.
describe('loadIntoEngine types', () => {
  it('takes the engine’s backend options per chosen backend, and refuses a key none of them knows', () => {
    const engine = createEngine({ backends: [createOnnxBackend(), createTfjsBackend({ runtime: 'wasm' })] });
    expectTypeOf(engine).toExtend<EngineLoader<ModelInfo, OnnxLoadModelOptions | LoadModelOptions>>();
    expectTypeOf(loadIntoEngine(engine, 'bert.mlpkg', { name: 'bert' })).toEqualTypeOf<Promise<ModelInfo>>();
    void loadIntoEngine(engine, 'bert.mlpkg', { name: 'bert', backends: [{ backend: 'onnx', options: { sessionOptions: { intraOpNumThreads: 1 } } }, 'tfjs'] });
    // @ts-expect-error 'sesionOptions' is a typo of 'sessionOptions'
    void loadIntoEngine(engine, 'bert.mlpkg', { name: 'bert', backends: [{ backend: 'onnx', options: { sesionOptions: {} } }] });
  });

  it('takes the common options only for an engine typed Engine', () => {
    const engine = {} as Engine;
    void loadIntoEngine(engine, 'bert.mlpkg', { name: 'bert', backends: [{ backend: 'tfjs', options: { device: 'wasm' } }] });
    // @ts-expect-error an Engine of unknown backends takes the common options only
    void loadIntoEngine(engine, 'bert.mlpkg', { name: 'bert', backends: [{ backend: 'onnx', options: { sessionOptions: {} } }] });
  });
});

import type { Backend, LoadModelOptions, LoadModelOptionsOf, ModelSource } from '@inferox/core';
import { describe, expectTypeOf, it } from 'vitest';
import { createTfjsBackend } from './create-tfjs-backend';
import type { TfjsBackend, TfjsLoadModelOptions } from './tfjs-backend';

declare const source: ModelSource;

// Checked by tsc through vitest typecheck: an @ts-expect-error whose line compiles fails the run.
describe('TfjsBackend load options', () => {
  it('takes the common options only, and refuses any other at compile time', () => {
    const tfjs = createTfjsBackend({ runtime: 'wasm' });
    void tfjs.loadModel(source, { name: 'mlp', device: 'wasm' });
    // @ts-expect-error the runtime is chosen by createTfjsBackend, not per model
    void tfjs.loadModel(source, { runtime: 'cpu' });
    // @ts-expect-error 'sessionOptions' is an onnx backend option
    void tfjs.loadModel(source, { sessionOptions: {} });
    // @ts-expect-error 'nmae' is a typo of 'name'
    void tfjs.loadModel(source, { nmae: 'mlp' });
  });

  it('is a Backend<TfjsLoadModelOptions>, whose options LoadModelOptionsOf reads', () => {
    expectTypeOf<TfjsBackend>().toExtend<Backend>();
    expectTypeOf<TfjsLoadModelOptions>().toEqualTypeOf<LoadModelOptions>();
    expectTypeOf<LoadModelOptionsOf<TfjsBackend>>().toEqualTypeOf<TfjsLoadModelOptions>();
  });
});

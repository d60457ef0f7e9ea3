import type { Backend, LoadModelOptionsOf, ModelSource } from '@inferox/core';
import { describe, expectTypeOf, it } from 'vitest';
import { type OnnxBackend, type OnnxLoadModelOptions, createOnnxBackend } from './create-onnx-backend';

declare const source: ModelSource;

// Checked by tsc through vitest typecheck: an @ts-expect-error whose line compiles fails the run.
describe('OnnxBackend load options', () => {
  it('takes the common and the onnx options, and refuses a mistyped one at compile time', () => {
    const onnx = createOnnxBackend();
    void onnx.loadModel(source, { name: 'bert', device: 'cpu', executionProviders: ['cpu'], sessionOptions: { intraOpNumThreads: 1 } });
    // @ts-expect-error 'sesionOptions' is a typo of 'sessionOptions'
    void onnx.loadModel(source, { sesionOptions: { intraOpNumThreads: 1 } });
    // @ts-expect-error 'runtime' is a tfjs backend option, not an onnx one
    void onnx.loadModel(source, { runtime: 'wasm' });
    // @ts-expect-error an unknown session option is refused inside sessionOptions too
    void onnx.loadModel(source, { sessionOptions: { intraOpThreads: 1 } });
  });

  it('is a Backend<OnnxLoadModelOptions>, so the engine and LoadModelOptionsOf see its options', () => {
    expectTypeOf<OnnxBackend>().toExtend<Backend<OnnxLoadModelOptions>>();
    expectTypeOf<OnnxBackend>().toExtend<Backend>();
    expectTypeOf<LoadModelOptionsOf<OnnxBackend>>().toEqualTypeOf<OnnxLoadModelOptions>();
  });
});

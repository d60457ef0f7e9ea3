import type { Backend, LoadModelOptions, Tensor, TensorMap } from '@inferox/core';
import { type OnnxBackend, type OnnxLoadModelOptions, createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { describe, expectTypeOf, it } from 'vitest';
import type { Engine } from './engine-contract';
import { createEngine } from './engine';
import type { FallbackReport, InferResult, StreamItem } from './infer-result';
import type { ModelInfo } from './model-info';
import type { ModelSpec, SharedLoadModelOptions } from './model-spec';
import { createSessionKey } from './session-key';

declare const feeds: TensorMap;

// Checked by tsc through vitest typecheck (nothing here runs): an @ts-expect-error whose line compiles, or an
// expectation whose type changed, fails the run.
describe('Engine types', () => {
  it('resolves infer to an InferResult whose outputs are erased tensors owned by the caller', () => {
    const engine = createEngine({ backends: [createOnnxBackend()] });
    expectTypeOf(engine.infer('bert', feeds)).toEqualTypeOf<Promise<InferResult>>();
    expectTypeOf<InferResult['outputs']>().toEqualTypeOf<Record<string, Tensor>>();
    expectTypeOf<InferResult['backend']>().toEqualTypeOf<string>();
    expectTypeOf<InferResult['version']>().toEqualTypeOf<number>();
    expectTypeOf<InferResult['fellBack']>().toEqualTypeOf<FallbackReport | undefined>();
    expectTypeOf<InferResult['timings']>().toEqualTypeOf<{ readonly queueMs: number; readonly computeMs: number }>();
    expectTypeOf(engine.inferBatch('bert', [feeds])).toEqualTypeOf<Promise<PromiseSettledResult<InferResult>[]>>();
    expectTypeOf(engine.inferStream('bert', [feeds])).toEqualTypeOf<AsyncIterable<StreamItem>>();
    expectTypeOf(engine.load('bert', { source: 'models/bert' })).toEqualTypeOf<Promise<ModelInfo>>();
  });

  it('makes a stream item either a result or an error, told apart by the key', () => {
    const item = {} as StreamItem;
    if ('result' in item) expectTypeOf(item.result).toEqualTypeOf<InferResult>();
    else expectTypeOf(item.error).toEqualTypeOf<unknown>();
  });

  it('refuses unknown infer options at compile time', () => {
    const engine = createEngine({ backends: [createOnnxBackend()] });
    void engine.infer('bert', feeds, { backend: 'onnx', priority: 'high', timeoutMs: 100 });
    // @ts-expect-error 'timeout' is a typo of 'timeoutMs'
    void engine.infer('bert', feeds, { timeout: 100 });
    // @ts-expect-error priority is one of the scheduler's priorities
    void engine.infer('bert', feeds, { priority: 'urgent' });
  });

  it('types a session value by its key', () => {
    const engine = createEngine({ backends: [createOnnxBackend()] });
    const turns = createSessionKey('turns', (v): v is number => typeof v === 'number');
    const session = engine.session('bert');
    expectTypeOf(session.get(turns)).toEqualTypeOf<number | undefined>();
    // @ts-expect-error the key holds numbers
    session.set(turns, 'three');
  });

  it('takes the load options of its backends, and refuses a key none of them knows', () => {
    const onnxOnly = createEngine({ backends: [createOnnxBackend()] });
    expectTypeOf(onnxOnly).toEqualTypeOf<Engine<OnnxLoadModelOptions>>();
    void onnxOnly.load('bert', { source: 'bert.onnx', options: { sessionOptions: { intraOpNumThreads: 1 } } });
    // @ts-expect-error 'sesionOptions' is a typo of 'sessionOptions'
    void onnxOnly.load('bert', { source: 'bert.onnx', options: { sesionOptions: {} } });
    // @ts-expect-error 'runtime' is an option of no backend of this engine
    void onnxOnly.load('bert', { source: 'bert.onnx', replicas: [{ backend: 'onnx', options: { runtime: 'wasm' } }] });
  });

  it('takes only the options every backend accepts model-wide, and each backend’s own per replica, when backends differ', () => {
    const both = createEngine({ backends: [createOnnxBackend(), createTfjsBackend({ runtime: 'wasm' })] });
    expectTypeOf(both).toEqualTypeOf<Engine<OnnxLoadModelOptions | LoadModelOptions>>();
    expectTypeOf<SharedLoadModelOptions<OnnxLoadModelOptions | LoadModelOptions>>().toEqualTypeOf<{ readonly name?: string; readonly device?: string; readonly cpuThreads?: number }>();
    void both.load('bert', { source: 'bert', options: { name: 'bert', device: 'cpu' } });
    void both.load('bert', { source: 'bert', replicas: [{ backend: 'onnx', options: { sessionOptions: { intraOpNumThreads: 1 } } }, { backend: 'tfjs' }] });
    // @ts-expect-error tfjs would refuse sessionOptions, so they may not go to every replica
    void both.load('bert', { source: 'bert', options: { sessionOptions: {} } });
    // @ts-expect-error 'nmae' is no backend's option
    void both.load('bert', { source: 'bert', replicas: [{ backend: 'tfjs', options: { nmae: 'bert' } }] });
  });

  it('keeps every Engine<T> an Engine, so code taking an Engine accepts any', () => {
    expectTypeOf<Engine<OnnxLoadModelOptions>>().toExtend<Engine>();
    expectTypeOf<ModelSpec<OnnxLoadModelOptions>>().toExtend<ModelSpec<OnnxLoadModelOptions | LoadModelOptions>>();
    const erased = createEngine({ backends: [] as Backend[] });
    expectTypeOf(erased).toEqualTypeOf<Engine<LoadModelOptions>>();
    expectTypeOf(createEngine({ backends: [{} as OnnxBackend] })).toExtend<Engine>();
  });
});

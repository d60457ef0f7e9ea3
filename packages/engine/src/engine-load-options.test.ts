import { expectInferoxError } from '@inferox/core/testing';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { type Engine, createEngine } from './engine';
import { BERT_DIR, bertFeeds } from './real-models.fixture';

// What JavaScript callers (and JSON configs) get for a load option no backend knows: the types refuse it at compile
// time (engine.test-d.ts), so these calls go through `as never`.
describe('Engine load options', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('passes a backend its own options, model-wide and per replica, the replica’s winning', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', options: { factor: 2 }, replicas: [{ backend: 'ctl', options: { factor: 3 } }] });
    const { outputs } = await engine.infer('m', feedsOf(1));
    // feedsOf(1) is x = [1, 2]: factor 3 (the replica's), not 2 (the model's).
    expect(Array.from(outputs.y!.data as Float32Array)).toEqual([3, 6]);
  });

  it('rejects the load with INVALID_INPUT naming an unknown option and listing the backend’s known ones, and serves nothing', async () => {
    engine = createEngine({ backends: [new ControlledBackend()] });
    const error = await expectInferoxError(engine.load('m', { source: 'm', options: { facter: 2 } as never }), 'INVALID_INPUT');
    expect(error.message).toContain("unknown option options.facter of the ctl backend's loadModel; known: name, device, cpuThreads, fail, factor, memoryBytes");
    expect(engine.list()).toEqual([]);
  });

  it('rejects the first request of a lazy model with INVALID_INPUT naming the unknown option', async () => {
    engine = createEngine({ backends: [new ControlledBackend()] });
    await engine.load('m', { source: 'm', lazy: true, replicas: [{ backend: 'ctl', options: { facter: 2 } as never }] });
    await expectInferoxError(engine.infer('m', feedsOf(1)), 'INVALID_INPUT', 'options.facter');
  });
});

describe('Engine load options on onnx and tfjs', () => {
  it('loads onnx session options given to the onnx replica only, and refuses them model-wide, where tfjs gets them too', async () => {
    await using engine = createEngine({ backends: [createOnnxBackend(), createTfjsBackend({ runtime: 'wasm' })] });
    const error = await expectInferoxError(engine.load('wide', { source: BERT_DIR, backends: ['onnx', 'tfjs'], options: { sessionOptions: { intraOpNumThreads: 1 } } as never }), 'INVALID_INPUT');
    expect(error.message).toContain("unknown option options.sessionOptions of the tfjs backend's loadModel; known: name, device, cpuThreads");
    await engine.load('bert', { source: BERT_DIR, replicas: [{ backend: 'onnx', options: { sessionOptions: { intraOpNumThreads: 1 } } }, { backend: 'tfjs' }] });
    const onnx = await engine.infer('bert', bertFeeds(), { backend: 'onnx' });
    const tfjs = await engine.infer('bert', bertFeeds(), { backend: 'tfjs' });
    expect([onnx.backend, tfjs.backend]).toEqual(['onnx', 'tfjs']);
    expect(onnx.outputs.last_hidden_state!.shape).toEqual(tfjs.outputs.last_hidden_state!.shape);
  });
});

import { createEngine } from '@inferox/engine';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { createTfjsBackend } from '@inferox/tfjs-backend';
import { describe, expectTypeOf, it } from 'vitest';
import { loadTextModel } from './load-text-model';
import type { TextModel } from './text-model';

// Checked by tsc through vitest typecheck: an @ts-expect-error whose line compiles fails the run.
describe('loadTextModel load options', () => {
  it('takes the options every backend of the engine accepts, since they go to every replica', () => {
    const both = createEngine({ backends: [createOnnxBackend(), createTfjsBackend({ runtime: 'wasm' })] });
    expectTypeOf(loadTextModel(both, 'models/minilm', { loadOptions: { device: 'cpu' } })).toEqualTypeOf<Promise<TextModel>>();
    // @ts-expect-error tfjs would refuse onnx's sessionOptions
    void loadTextModel(both, 'models/minilm', { loadOptions: { sessionOptions: {} } });
    // @ts-expect-error 'devcie' is a typo of 'device'
    void loadTextModel(both, 'models/minilm', { loadOptions: { devcie: 'cpu' } });
  });

  it('takes onnx session options when the engine has onnx backends only', () => {
    const onnx = createEngine({ backends: [createOnnxBackend()] });
    void loadTextModel(onnx, 'models/minilm', { loadOptions: { sessionOptions: { intraOpNumThreads: 1 } } });
  });
});

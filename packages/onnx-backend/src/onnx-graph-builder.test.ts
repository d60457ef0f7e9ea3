import { type DType, Tensor, type TensorMap, numberToFloat16Bits } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createOnnxBackend } from './create-onnx-backend';
import { type OnnxAttribute, OnnxGraphBuilder } from './onnx-graph-builder';

const backend = createOnnxBackend();
afterAll(() => backend.dispose());

async function run(g: OnnxGraphBuilder, feeds: TensorMap = {}): Promise<Record<string, Tensor>> {
  await using handle = await backend.loadModel({ bytes: g.toBytes(), name: 'graph' });
  return handle.run(feeds);
}

function identity(dtype: DType): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder();
  g.addInput('x', dtype, ['n']);
  g.addOutput(g.op('Identity', ['x'], {}, 'y'), dtype, ['n']);
  return g;
}

function constantOf(attribute: string, value: OnnxAttribute, dtype: DType): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder();
  g.addOutput(g.op('Constant', [], { [attribute]: value }, 'c'), dtype, null);
  return g;
}

describe('OnnxGraphBuilder', () => {
  it.each<[DType, Tensor]>([
    ['int64', Tensor.from('int64', [-(2n ** 63n), 2n ** 53n + 1n, 0n, 2n ** 63n - 1n], [4])],
    ['uint64', Tensor.from('uint64', [0n, 2n ** 64n - 1n], [2])],
    ['float16', Tensor.from('float16', new Uint16Array([0x3c00, 0x8000, 0x7e00, 0x7c00, 0x0001]), [5])],
    ['bool', Tensor.from('bool', [true, false, true], [3])],
    ['string', Tensor.from('string', ['', 'héllo', '日本語', 'a b'], [4])],
    ['int8', Tensor.from('int8', [-128, 127], [2])],
    ['uint8', Tensor.from('uint8', [0, 255], [2])],
    ['int16', Tensor.from('int16', [-32768, 32767], [2])],
    ['uint16', Tensor.from('uint16', [0, 65535], [2])],
    ['int32', Tensor.from('int32', [-(2 ** 31), 2 ** 31 - 1], [2])],
    ['uint32', Tensor.from('uint32', [0, 2 ** 32 - 1], [2])],
    ['float64', Tensor.from('float64', [Math.PI, -0, Number.MAX_VALUE], [3])],
    ['float32', Tensor.from('float32', [1.5, -2.25], [2])],
  ])('round-trips %s tensors exactly through onnxruntime when run through Identity', async (dtype, x) => {
    const { y } = await run(identity(dtype), { x });
    expect(y!.dtype).toBe(dtype);
    expect(y!.shape).toEqual(x.shape);
    expect(y!.toArray()).toEqual(x.toArray());
    if (dtype === 'float16') expect(Array.from(y!.data as Uint16Array)).toEqual(Array.from(x.data as Uint16Array));
  });

  it('converts int64, bool and float16 the way onnxruntime casts them when run through Cast', async () => {
    const g = new OnnxGraphBuilder();
    g.addInput('ids', 'int64', [3]);
    g.addInput('x', 'float32', [3]);
    g.addOutput(g.op('Cast', ['ids'], { to: 1 }, 'ids_f'), 'float32', [3]);
    g.addOutput(g.op('Cast', ['x'], { to: 9 }, 'x_bool'), 'bool', [3]);
    g.addOutput(g.op('Cast', ['x'], { to: 10 }, 'x_half'), 'float16', [3]);
    const out = await run(g, { ids: Tensor.from('int64', [1n, -7n, 2n ** 40n], [3]), x: Tensor.from('float32', [0, 0.1, -65504], [3]) });
    expect(out.ids_f!.toArray()).toEqual([1, -7, 2 ** 40]);
    expect(out.x_bool!.toArray()).toEqual([false, true, true]);
    expect(Array.from(out.x_half!.data as Uint16Array)).toEqual([0, 0.1, -65504].map(numberToFloat16Bits));
  });

  it('writes initializers of every dtype so onnxruntime reads them back when they are graph outputs', async () => {
    const g = new OnnxGraphBuilder({ metadata: { author: 'inferox-test' } });
    const consts: [string, Tensor][] = [
      ['s', Tensor.from('string', ['x', 'üy'], [2])],
      ['h', Tensor.from('float16', new Uint16Array([0x3c00, 0xc000]), [2])],
      ['b', Tensor.from('bool', [false, true], [1, 2])],
      ['i', Tensor.from('int64', [5n], [])],
    ];
    for (const [name, t] of consts) g.addOutput(g.op('Identity', [g.addInitializer(`${name}_init`, t)], {}, name), t.dtype, t.shape);
    const bytes = g.toBytes();
    expect(Buffer.from(bytes).includes('inferox-test')).toBe(true);
    const out = await run(g);
    for (const [name, t] of consts) {
      expect(out[name]!.toArray()).toEqual(t.toArray());
      expect(out[name]!.shape).toEqual(t.shape);
    }
  });

  it.each<[string, string, OnnxAttribute, DType, unknown[]]>([
    ['an integer', 'value_int', 7, 'int64', [7n]],
    ['a bigint', 'value_int', -(2n ** 40n), 'int64', [-(2n ** 40n)]],
    ['a fraction', 'value_float', 0.25, 'float32', [0.25]],
    ['a wrapped whole float', 'value_float', { float: 2 }, 'float32', [2]],
    ['integers', 'value_ints', [1, -2, 3], 'int64', [1n, -2n, 3n]],
    ['bigints', 'value_ints', [4n, 5n], 'int64', [4n, 5n]],
    ['fractions', 'value_floats', [0.5, 1.5], 'float32', [0.5, 1.5]],
    ['wrapped whole floats', 'value_floats', { floats: [1, 2] }, 'float32', [1, 2]],
    ['a string', 'value_string', 'hé', 'string', ['hé']],
    ['strings', 'value_strings', ['a', 'b'], 'string', ['a', 'b']],
    ['a tensor', 'value', Tensor.from('int32', [1, 2, 3, 4], [2, 2]), 'int32', [1, 2, 3, 4]],
  ])('encodes %s as the attribute type onnxruntime expects when given to Constant', async (_what, attribute, value, dtype, expected) => {
    const { c } = await run(constantOf(attribute, value, dtype));
    expect(c!.dtype).toBe(dtype);
    expect(c!.toArray()).toEqual(expected);
  });

  it('writes booleans as 0/1 integers when given as attributes', async () => {
    const g = new OnnxGraphBuilder();
    g.addInput('x', 'float32', [2, 2]);
    g.addOutput(g.op('ReduceSum', ['x', g.ints([1])], { keepdims: false }, 'y'), 'float32', [2]);
    const { y } = await run(g, { x: Tensor.from('float32', [1, 2, 3, 4], [2, 2]) });
    expect(y!.shape).toEqual([2]);
    expect(y!.toArray()).toEqual([3, 7]);
  });

  it('names several outputs and imports other domains when a node asks for them', async () => {
    const g = new OnnxGraphBuilder({ opset: 18 });
    g.addInput('x', 'float32', [4]);
    const [a, b] = g.node('Split', ['x'], { axis: 0, num_outputs: 2 }, { outputs: ['a', 'b'], name: 'split' });
    g.addOutput(a!, 'float32', [2]);
    g.addOutput(g.op('Gelu', [b!], {}, 'gelu'), 'float32', [2]);
    // `Gelu` is not a default-domain op at opset 18, so give it com.microsoft's:
    const fixed = new OnnxGraphBuilder({ opset: 18, domains: { 'com.microsoft': 1 } });
    fixed.addInput('x', 'float32', [4]);
    const [fa, fb] = fixed.node('Split', ['x'], { axis: 0, num_outputs: 2 }, { outputs: 2 });
    fixed.addOutput(fa!, 'float32', [2]);
    fixed.addOutput(fixed.node('Gelu', [fb!], {}, { domain: 'com.microsoft', outputs: ['gelu'] })[0]!, 'float32', [2]);
    const out = await run(fixed, { x: Tensor.from('float32', [1, 2, 0, 1], [4]) });
    expect(out[fa!]!.toArray()).toEqual([1, 2]);
    expect((out.gelu!.data as Float32Array)[1]).toBeCloseTo(0.8413, 4);
    const error = await rejectionOf(backend.loadModel({ bytes: g.toBytes(), name: 'no-domain' }));
    expect(error.code).toBe('BACKEND_ERROR');
  });

  it('writes IR versions onnxruntime 1.30 accepts when the opset ranges from 17 to 26', async () => {
    for (const opset of [17, 19, 21, 23, 24, 25, 26]) {
      const g = new OnnxGraphBuilder({ opset });
      g.addInput('x', 'float32', [1]);
      g.addOutput(g.op('Neg', ['x'], {}, 'y'), 'float32', [1]);
      const { y } = await run(g, { x: Tensor.from('float32', [3], [1]) });
      expect(y!.toArray(), `opset ${opset}, IR ${g.irVersion}`).toEqual([-3]);
    }
  });

  it('round-trips any int64 values and float32 initializers exactly when fed random data', async () => {
    await using ids = await backend.loadModel({ bytes: identity('int64').toBytes() });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: 1, maxLength: 32 }), async (values) => {
        const { y } = await ids.run({ x: Tensor.from('int64', values, [values.length]) });
        expect(y!.toArray()).toEqual(values);
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(fc.float32Array({ minLength: 1, maxLength: 16, noDefaultInfinity: true, noNaN: true }), async (values) => {
        const g = new OnnxGraphBuilder();
        g.addOutput(g.op('Identity', [g.constant(Tensor.from('float32', values, [values.length]))], {}, 'w'), 'float32', [values.length]);
        const { w } = await run(g);
        expect(Array.from(w!.data as Float32Array)).toEqual(Array.from(values));
      }),
      { numRuns: 15 },
    );
  });

  it('stores large initializers in the external data file and small ones inline when asked', () => {
    const g = new OnnxGraphBuilder();
    g.addOutput(g.op('Add', [g.constant(Tensor.zeros('float32', [300])), g.constant(Tensor.zeros('float32', [3]))], {}, 'y'), 'float32', [300]);
    const { model, data } = g.toBytesWithExternalData('w.bin', 1000);
    expect(data.length).toBe(1200);
    expect(Buffer.from(model).includes('w.bin')).toBe(true);
    expect(model.length).toBeLessThan(g.toBytes().length);
  });

  it.each<[string, () => unknown, string]>([
    ['opset 6', () => new OnnxGraphBuilder({ opset: 6 }), 'opset must be an integer from 7 to 26'],
    ['opset 27', () => new OnnxGraphBuilder({ opset: 27 }), 'got 27'],
    ['IR 14', () => new OnnxGraphBuilder({ irVersion: 14 }), 'irVersion must be an integer from 3 to 13, got 14'],
    ['a taken name', () => { const g = new OnnxGraphBuilder(); g.addInput('x', 'float32', [1]); g.addInitializer('x', Tensor.zeros('float32', [1])); }, 'value name "x" is already defined'],
    ['an empty name', () => new OnnxGraphBuilder().addInput('', 'float32', [1]), 'a value name must be a non-empty string'],
    ['an unknown dtype', () => new OnnxGraphBuilder().addInput('x', 'complex64' as DType, [1]), 'unknown dtype "complex64"'],
    ['a non-tensor initializer', () => new OnnxGraphBuilder().addInitializer('w', [1, 2] as never), 'initializer "w" must be a Tensor'],
    ['an undefined input', () => new OnnxGraphBuilder().op('Relu', ['nowhere']), 'node Relu reads "nowhere", which no input, initializer or earlier node defines'],
    ['an empty op type', () => new OnnxGraphBuilder().op('', []), 'a node needs an op type'],
    ['a twice-declared output', () => { const g = new OnnxGraphBuilder(); g.addOutput('y', 'float32', null); g.addOutput('y', 'float32', null); }, 'graph output "y" is declared twice'],
    ['an output never produced', () => { const g = new OnnxGraphBuilder(); g.addOutput('y', 'float32', null); g.toBytes(); }, 'graph output "y" is never produced'],
    ['a mixed attribute list', () => constantOf('value_ints', [1, 'a'] as never, 'int64').toBytes(), 'attribute "value_ints" mixes element types'],
    ['an unsupported attribute', () => constantOf('value', {} as never, 'int64').toBytes(), 'attribute "value" has an unsupported value'],
  ])('throws INVALID_INPUT naming the problem when given %s', async (_what, action, message) => {
    const error = await rejectionOf(action);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(message);
  });

  it('accepts an optional input left empty when the name is an empty string', async () => {
    const g = new OnnxGraphBuilder();
    g.addInput('x', 'float32', [3]);
    g.addOutput(g.op('Clip', ['x', '', g.floats(1)], {}, 'y'), 'float32', [3]);
    const { y } = await run(g, { x: Tensor.from('float32', [-5, 0.5, 5], [3]) });
    expect(y!.toArray()).toEqual([-5, 0.5, 1]);
  });
});

import { describe, expectTypeOf, it } from 'vitest';
import type { DType, DataFor } from './dtype';
import type { ModelHandle } from './model-handle';
import type { ManagedModelHandle } from './managed-model-handle';
import { Tensor, type TensorMap } from './tensor';

// Checked by tsc through vitest typecheck (nothing here runs): each expectation fails the run when the type it names
// changes, and each @ts-expect-error fails it when the line it guards starts to compile.
describe('Tensor types', () => {
  it('keeps the dtype given to Tensor.from and Tensor.zeros in the type, and the data type follows it', () => {
    const ids = Tensor.from('int64', [1, 2], [2]);
    expectTypeOf(ids).toEqualTypeOf<Tensor<'int64'>>();
    expectTypeOf(ids.dtype).toEqualTypeOf<'int64'>();
    expectTypeOf(ids.data).toEqualTypeOf<BigInt64Array>();
    expectTypeOf(Tensor.zeros('float32', [2]).data).toEqualTypeOf<Float32Array>();
    expectTypeOf(Tensor.zeros('float16', [2]).data).toEqualTypeOf<Uint16Array>();
    expectTypeOf(Tensor.zeros('string', [1]).data).toEqualTypeOf<string[]>();
  });

  it('refuses a typed array of another dtype at compile time', () => {
    // @ts-expect-error a Float64Array is not the data of a float32 tensor
    Tensor.from('float32', new Float64Array(2), [2]);
    // @ts-expect-error an int64 tensor holds a BigInt64Array, not an Int32Array
    Tensor.from('int64', new Int32Array(2), [2]);
    // @ts-expect-error 'float8' is not a DType
    Tensor.zeros('float8', [1]);
  });

  it('keeps the dtype through views and concat, and takes the target dtype on cast', () => {
    const t = Tensor.zeros('int32', [2, 3]);
    expectTypeOf(t.reshape([3, 2])).toEqualTypeOf<Tensor<'int32'>>();
    expectTypeOf(t.slice(0, 1)).toEqualTypeOf<Tensor<'int32'>>();
    expectTypeOf(t.split([1, 1])).toEqualTypeOf<Tensor<'int32'>[]>();
    expectTypeOf(Tensor.concat([t, t])).toEqualTypeOf<Tensor<'int32'>>();
    expectTypeOf(t.cast('float64').data).toEqualTypeOf<Float64Array>();
  });

  it('erases the dtype in Tensor and TensorMap: data is then any dtype’s array until narrowed by a typed tensor', () => {
    const map: TensorMap = { ids: Tensor.zeros('int64', [1]) };
    const erased = map.ids!;
    expectTypeOf(erased).toEqualTypeOf<Tensor>();
    expectTypeOf(erased.dtype).toEqualTypeOf<DType>();
    expectTypeOf(erased.data).toEqualTypeOf<DataFor<DType>>();
    // @ts-expect-error the erased data may be a string[] or a BigInt64Array, not only a Float32Array
    const floats: Float32Array = erased.data;
    expectTypeOf(floats).toEqualTypeOf<Float32Array>();
    // A typed tensor is a Tensor, but an erased one is not a typed one.
    expectTypeOf<Tensor<'float32'>>().toExtend<Tensor>();
    expectTypeOf<Tensor>().not.toExtend<Tensor<'float32'>>();
  });

  it('offers no public constructor, so Tensor.from is the one way in', () => {
    // @ts-expect-error the constructor is private
    expectTypeOf(() => new Tensor('float32', [1], [1])).toBeFunction();
  });

  it('makes a ManagedModelHandle a ModelHandle', () => {
    expectTypeOf<ManagedModelHandle>().toExtend<ModelHandle>();
  });
});

import { describe, expectTypeOf, it } from 'vitest';
import type { ModelHandle } from './model-handle';
import type { ManagedModelHandle } from './managed-model-handle';
import { Tensor } from './tensor';

// What the types promise; `tsc --noEmit` checks this file, the runtime assertions are trivial.
describe('Tensor and handle types', () => {
  it('keeps the dtype in the type when a tensor is built with Tensor.from', () => {
    const ids = Tensor.from('int64', [1, 2], [2]);
    expectTypeOf(ids).toEqualTypeOf<Tensor<'int64'>>();
    expectTypeOf(ids.data).toEqualTypeOf<BigInt64Array>();
    expectTypeOf(Tensor.zeros('string', [1]).data).toEqualTypeOf<string[]>();
  });

  it('offers no public constructor, so Tensor.from is the one way in', () => {
    // @ts-expect-error the constructor is private
    expectTypeOf(() => new Tensor('float32', [1], [1])).toBeFunction();
  });

  it('makes a ManagedModelHandle a ModelHandle', () => {
    expectTypeOf<ManagedModelHandle>().toMatchTypeOf<ModelHandle>();
  });
});

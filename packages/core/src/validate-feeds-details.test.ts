import { describe, expect, it } from 'vitest';
import { thrown } from './internal/thrown.fixture';
import type { ModelSignature, TensorSpec } from './model-handle';
import { Tensor, type TensorMap } from './tensor';
import { validateFeeds } from './validate-feeds';

/** A signature of `count` int64 inputs `x0`, `x1`, ... of shape [1]. */
const wide = (count: number): ModelSignature => ({
  inputs: Array.from({ length: count }, (_, i): TensorSpec => ({ name: `x${i}`, dtype: 'int64', shape: [1] })),
  outputs: [],
});

/** Feeds for every input of `signature` whose index `keep` accepts. */
const feedsOf = (signature: ModelSignature, keep: (i: number) => boolean = () => true): Record<string, Tensor> =>
  Object.fromEntries(signature.inputs.filter((_, i) => keep(i)).map((s) => [s.name, Tensor.zeros(s.dtype, [1])]));

const names = (count: number, from = 0): string[] => Array.from({ length: count }, (_, i) => `x${from + i}`);
const quoted = (list: readonly string[]): string => list.map((n) => `"${n}"`).join(', ');

describe('validateFeeds messages and details', () => {
  it('refuses feeds that are not an object with the given value in the details', () => {
    const error = thrown(() => validateFeeds(wide(1), 5 as unknown as TensorMap));
    expect(error.message).toBe('feeds must be an object of named tensors');
    expect(error.details).toEqual({ given: '5' });
  });

  it('lists every declared input up to 20, and counts the rest, when an input is unknown', () => {
    const few = thrown(() => validateFeeds(wide(2), { ...feedsOf(wide(2)), y: Tensor.zeros('int64', [1]) }));
    expect(few.message).toBe('unknown input "y"; the model takes "x0", "x1"');
    expect(few.details).toEqual({ input: 'y', expected: ['x0', 'x1'] });
    // Exactly 20: all listed, no "and 0 more".
    expect(thrown(() => validateFeeds(wide(20), { y: Tensor.zeros('int64', [1]) })).message).toBe(`unknown input "y"; the model takes ${quoted(names(20))}`);
    const many = thrown(() => validateFeeds(wide(23), { ...feedsOf(wide(23)), y: Tensor.zeros('int64', [1]) }));
    expect(many.message).toBe(`unknown input "y"; the model takes ${quoted(names(20))} and 3 more`);
    expect(many.details).toEqual({ input: 'y', expected: names(20) });
  });

  it('looks names up the same way past 16 inputs: every declared one accepted, an unknown one refused', () => {
    for (const count of [16, 17, 40]) {
      const signature = wide(count);
      expect(() => validateFeeds(signature, feedsOf(signature))).not.toThrow();
      expect(thrown(() => validateFeeds(signature, { ...feedsOf(signature), [`x${count}`]: Tensor.zeros('int64', [1]) })).details).toMatchObject({ input: `x${count}` });
    }
  });

  it('skips inherited feed names and counts declared names once when an input is listed twice', () => {
    const signature = wide(1);
    const inherited = Object.assign(Object.create({ extra: Tensor.zeros('int64', [1]) }) as object, feedsOf(signature)) as TensorMap;
    expect(() => validateFeeds(signature, inherited)).not.toThrow();
    const twice: ModelSignature = { inputs: [...wide(2).inputs, { name: 'x0', dtype: 'int64', shape: [1] }], outputs: [] };
    const error = thrown(() => validateFeeds(twice, { y: Tensor.zeros('int64', [1]) }));
    expect(error.message).toBe('unknown input "y"; the model takes "x0", "x1"');
    expect(error.details).toEqual({ input: 'y', expected: ['x0', 'x1'] });
  });

  it('gives the expected spec and at most 20 given names when an input is missing', () => {
    const signature = wide(23);
    const error = thrown(() => validateFeeds(signature, feedsOf(signature, (i) => i !== 22)));
    expect(error.message).toBe(`missing input "x22" (expected int64[1]); given ${quoted(names(20))} and 2 more`);
    expect(error.details).toEqual({ input: 'x22', expected: 'int64[1]', given: names(20) });
    const unranked: ModelSignature = { inputs: [{ name: 'any', dtype: 'float32', shape: null }], outputs: [] };
    expect(thrown(() => validateFeeds(unranked, {})).details).toEqual({ input: 'any', expected: 'float32', given: [] });
  });

  it('gives input and given kind for a non-tensor, input for a disposed one, and expected/given for a dtype', () => {
    const signature = wide(1);
    const notTensor = thrown(() => validateFeeds(signature, { x0: new Map() as unknown as Tensor }));
    expect(notTensor.message).toBe('input "x0" must be a Tensor, got Map');
    expect(notTensor.details).toEqual({ input: 'x0', given: 'Map' });
    class AClassWhoseNameIsFarLongerThanFortyCharacters {}
    expect(thrown(() => validateFeeds(signature, { x0: new AClassWhoseNameIsFarLongerThanFortyCharacters() as unknown as Tensor })).details).toEqual({
      input: 'x0',
      given: 'AClassWhoseNameIsFarLongerThanFortyChara… (45 chars)',
    });
    const gone = Tensor.zeros('int64', [1]);
    gone.dispose();
    const disposed = thrown(() => validateFeeds(signature, { x0: gone }));
    expect(disposed.message).toBe('input "x0" was disposed');
    expect(disposed.details).toEqual({ input: 'x0' });
    const dtype = thrown(() => validateFeeds(signature, { x0: Tensor.zeros('int32', [1]) }));
    expect(dtype.message).toBe('input "x0" must be int64, got int32');
    expect(dtype.details).toEqual({ input: 'x0', expected: 'int64', given: 'int32' });
  });

  it('gives expected and given dims for a rank, and dim, expected and given size for a fixed dim, 0 included', () => {
    const signature: ModelSignature = { inputs: [{ name: 'img', dtype: 'float32', shape: [0, 3] }], outputs: [] };
    const rank = thrown(() => validateFeeds(signature, { img: Tensor.zeros('float32', [3]) }));
    expect(rank.message).toBe('input "img" must have rank 2 [0, 3], got rank 1 [3]');
    expect(rank.details).toEqual({ input: 'img', expected: [0, 3], given: [3] });
    expect(() => validateFeeds(signature, { img: Tensor.zeros('float32', [0, 3]) })).not.toThrow();
    const zero = thrown(() => validateFeeds(signature, { img: Tensor.zeros('float32', [2, 3]) }));
    expect(zero.message).toBe('input "img" dim 0 must be 0, got 2 (shape [2, 3])');
    expect(zero.details).toEqual({ input: 'img', dim: 0, expected: 0, given: 2 });
  });

  it('gives both sizes of a symbolic dim two inputs disagree on, and ties no unnamed or unknown dims together', () => {
    const pair: ModelSignature = {
      inputs: [
        { name: 'a', dtype: 'float32', shape: ['batch', null, -1, ''] },
        { name: 'b', dtype: 'float32', shape: ['batch', null, -1, ''] },
      ],
      outputs: [],
    };
    expect(() => validateFeeds(pair, { a: Tensor.zeros('float32', [2, 1, 2, 3]), b: Tensor.zeros('float32', [2, 4, 5, 6]) })).not.toThrow();
    const error = thrown(() => validateFeeds(pair, { a: Tensor.zeros('float32', [2, 1, 1, 1]), b: Tensor.zeros('float32', [3, 1, 1, 1]) }));
    expect(error.message).toBe('input "b" dim 0 (batch) is 3, but input "a" has batch = 2');
    expect(error.details).toEqual({ input: 'b', dim: 0, expected: 2, given: 3 });
  });
});

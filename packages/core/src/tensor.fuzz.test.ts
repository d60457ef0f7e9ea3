import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DTYPES } from './dtype';
import { InferoxError } from './inferox-error';
import type { ModelSignature } from './model-handle';
import { Tensor } from './tensor';
import { validateFeeds } from './validate-feeds';

/** Runs `fn`: it may succeed, or fail with a typed INVALID_INPUT whose message stays short; nothing else. */
function typedOrOk(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InferoxError);
    expect((error as InferoxError).code).toBe('INVALID_INPUT');
    expect((error as Error).message.length).toBeLessThan(1000);
  }
}

const dtype = fc.oneof(fc.constantFrom(...DTYPES), fc.string({ maxLength: 12 }), fc.anything());
const dim = fc.oneof(fc.nat({ max: 4 }), fc.integer(), fc.double(), fc.constantFrom(2 ** 40, 5e7, -1, Number.NaN), fc.string({ maxLength: 4 }), fc.anything());
const shape = fc.oneof(fc.array(dim, { maxLength: 4 }), fc.anything());
const element = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  fc.boolean(),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('NaN', '-Infinity', '9'.repeat(200), ' 42 '),
  fc.anything(),
);
// Deep nesting and a long string, built once: fast-check's own generators stay shallow.
let deep: unknown = [1];
for (let i = 0; i < 50_000; i++) deep = [deep];
const wide = 'w'.repeat(1_000_000);

describe('Tensor construction (fuzz)', () => {
  it('builds a tensor or throws a short typed INVALID_INPUT when Tensor.from gets arbitrary dtypes, data and shapes', () => {
    fc.assert(
      fc.property(dtype, fc.oneof(fc.array(element, { maxLength: 8 }), fc.anything(), fc.constant([deep]), fc.constant([wide])), shape, (d, data, s) => {
        typedOrOk(() => Tensor.from(d as never, data as never, s as never));
      }),
      { numRuns: 400 },
    );
  });

  it('allocates or refuses with a typed error when Tensor.zeros gets arbitrary dtypes and shapes', () => {
    fc.assert(
      fc.property(dtype, shape, (d, s) => {
        typedOrOk(() => Tensor.zeros(d as never, s as never));
      }),
      { numRuns: 400 },
    );
  });

  it('rebuilds or refuses with a typed error when Tensor.fromJSON gets arbitrary objects', () => {
    const v2 = fc.record({ name: fc.oneof(fc.string(), fc.constant(wide), fc.anything()), datatype: fc.oneof(fc.constantFrom('FP32', 'INT64', 'BYTES', 'BOOL', 'FP16'), fc.anything()), shape, data: fc.oneof(fc.array(element, { maxLength: 8 }), fc.anything()) }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.oneof(v2, fc.anything()), (json) => {
        typedOrOk(() => Tensor.fromJSON(json as never));
      }),
      { numRuns: 400 },
    );
  });

  it('accepts or refuses with a typed error when validateFeeds gets arbitrary feeds', () => {
    const signature: ModelSignature = {
      inputs: [{ name: 'ids', dtype: 'int64', shape: ['batch', 'sequence'], dimLimits: [null, { max: 8 }], valueRange: { min: 0, maxExclusive: 100 } }],
      outputs: [],
    };
    const tensor = fc.tuple(fc.array(fc.bigInt({ min: -200n, max: 200n }), { maxLength: 12 }), fc.nat({ max: 3 })).map(([values, rows]) => {
      const cols = rows === 0 ? 0 : Math.floor(values.length / rows);
      return Tensor.from('int64', values.slice(0, rows * cols), [rows, cols]);
    });
    const feeds = fc.oneof(fc.record({ ids: tensor }), fc.dictionary(fc.oneof(fc.string(), fc.constant(wide)), fc.oneof(tensor, fc.anything()), { maxKeys: 3 }), fc.anything());
    fc.assert(
      fc.property(feeds, (f) => {
        typedOrOk(() => validateFeeds(signature, f as never));
      }),
      { numRuns: 400 },
    );
  });
});

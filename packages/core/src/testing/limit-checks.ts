import { expect } from 'vitest';
import { isInferoxError } from '../inferox-error';
import type { ModelHandle } from '../model-handle';
import type { TensorMap } from '../tensor';
import type { ConformanceContext } from './conformance-options';
import { resizeSymbol, symbolsOf, withElement } from './internal/edit-feeds';

/** The declared value ranges of the handle's inputs, by name. */
function declaredRanges(handle: ModelHandle): Record<string, { min: number; maxExclusive: number }> {
  const out: Record<string, { min: number; maxExclusive: number }> = {};
  for (const spec of handle.signature.inputs) if (spec.valueRange) out[spec.name] = { min: spec.valueRange.min, maxExclusive: spec.valueRange.maxExclusive };
  return out;
}

/** Runs and expects `INVALID_INPUT` whose message names one of `inputs`. */
async function expectRefusal(handle: ModelHandle, feeds: TensorMap, inputs: readonly string[], what: string): Promise<void> {
  const outcome = await handle.run(feeds).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome, `${what}: expected INVALID_INPUT, but the run succeeded`).toBeDefined();
  expect(isInferoxError(outcome) ? outcome.code : String(outcome), `${what}: ${(outcome as Error).message}`).toBe('INVALID_INPUT');
  expect(inputs.some((name) => (outcome as Error).message.includes(JSON.stringify(name))), `${what}: the message names the input: ${(outcome as Error).message}`).toBe(true);
}

/** Checks one side of every declared range: the bound itself is accepted, one step past it is `INVALID_INPUT`. */
async function checkRangeSide({ handle, options }: ConformanceContext, side: 'above' | 'below'): Promise<void> {
  const expected = options.limits?.valueRanges ?? {};
  expect(declaredRanges(handle), 'the value ranges the signature declares').toEqual(expected);
  for (const [input, range] of Object.entries(expected)) {
    const valid = options.feeds();
    const inside = side === 'above' ? range.maxExclusive - 1 : range.min;
    const outside = side === 'above' ? range.maxExclusive : range.min - 1;
    await handle.run({ ...valid, [input]: withElement(valid[input]!, 0, inside) });
    await expectRefusal(handle, { ...valid, [input]: withElement(valid[input]!, 0, outside) }, [input], `${input} element 0 = ${outside}`);
  }
}

/** The checks of the limits a model declares: value ranges, longest and empty dims. */
export const limitChecks = {
  /** A value at or past the top of a declared range (a token id outside the vocabulary) is `INVALID_INPUT`. */
  async rejectsValuesAboveRange(context: ConformanceContext): Promise<void> {
    await checkRangeSide(context, 'above');
  },

  /** A value below a declared range (a negative token id) is `INVALID_INPUT`. */
  async rejectsValuesBelowRange(context: ConformanceContext): Promise<void> {
    await checkRangeSide(context, 'below');
  },

  /** A symbolic dim one past its declared maximum (a sequence longer than max_position_embeddings) is `INVALID_INPUT`; exactly the maximum runs. */
  async rejectsOverlongDims({ handle, options }: ConformanceContext): Promise<void> {
    const expected = options.limits?.maxDims ?? {};
    const declared: Record<string, number> = {};
    for (const spec of handle.signature.inputs) {
      spec.shape?.forEach((dim, i) => {
        const max = spec.dimLimits?.[i]?.max;
        if (typeof dim === 'string' && max !== undefined) declared[dim] = Math.min(declared[dim] ?? max, max);
      });
    }
    expect(declared, 'the largest dims the signature declares').toEqual(expected);
    for (const [symbol, max] of Object.entries(expected)) {
      const atMax = resizeSymbol(handle.signature, options.feeds(), symbol, max);
      await handle.run(atMax.feeds);
      const past = resizeSymbol(handle.signature, options.feeds(), symbol, max + 1);
      await expectRefusal(handle, past.feeds, past.inputs, `${symbol} = ${max + 1}`);
    }
  },

  /** A symbolic dim of size 0 (a zero batch, an empty sequence) is `INVALID_INPUT`, unless the signature allows 0. */
  async rejectsEmptyDims({ handle, options }: ConformanceContext): Promise<void> {
    for (const symbol of symbolsOf(handle.signature)) {
      const allowsEmpty = handle.signature.inputs.some((spec) => spec.shape?.some((dim, i) => dim === symbol && spec.dimLimits?.[i]?.min === 0));
      if (allowsEmpty) continue;
      const empty = resizeSymbol(handle.signature, options.feeds(), symbol, 0);
      await expectRefusal(handle, empty.feeds, empty.inputs, `${symbol} = 0`);
    }
  },
};

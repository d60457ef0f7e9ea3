import { describe, expect, it } from 'vitest';
import { InferoxError } from '../inferox-error';
import { ManagedModelHandle } from '../managed-model-handle';
import type { ModelHandle, ModelSignature, TensorSpec } from '../model-handle';
import { Tensor, type TensorMap } from '../tensor';
import type { ConformanceContext, ConformanceLimits } from './conformance-options';
import { limitChecks } from './limit-checks';

// ids: int64 [batch, seq] in [0, 5), seq at most 3; extra: unknown rank; past: [batch, past] where past may be empty;
// fixed: [2] with a limit on its fixed dim (not a symbol, so not a declared maximum).
const IDS: TensorSpec = { name: 'ids', dtype: 'int64', shape: ['batch', 'seq'], dimLimits: [null, { max: 3 }], valueRange: { min: 0, maxExclusive: 5 } };
const INPUTS: readonly TensorSpec[] = [
  IDS,
  { name: 'extra', dtype: 'float32', shape: null },
  { name: 'past', dtype: 'float32', shape: ['batch', 'past'], dimLimits: [null, { min: 0 }] },
  { name: 'fixed', dtype: 'float32', shape: [2], dimLimits: [{ max: 2 }] },
];
const signatureOf = (inputs: readonly TensorSpec[]): ModelSignature => ({ inputs, outputs: [{ name: 'y', dtype: 'float32', shape: null }] });
const SIGNATURE = signatureOf(INPUTS);
const LIMITS: ConformanceLimits = { valueRanges: { ids: { min: 0, maxExclusive: 5 } }, maxDims: { seq: 3 } };

const feeds = (): TensorMap => ({
  ids: Tensor.from('int64', [1, 2], [1, 2]),
  extra: Tensor.zeros('float32', [3]),
  past: Tensor.zeros('float32', [1, 1]),
  fixed: Tensor.zeros('float32', [2]),
});

/** A managed handle validating with `validated` but reporting `reported` as its signature. */
function managed(validated: ModelSignature, reported: ModelSignature = validated): ModelHandle {
  const inner = new ManagedModelHandle({ name: 'm', backend: 'test', device: { kind: 'cpu' }, signature: validated, memoryBytes: 1, runner: { run: async () => ({}), release() {} } });
  return Object.assign(Object.create(inner) as ModelHandle, { signature: reported, run: inner.run.bind(inner) });
}

/** A handle that runs anything, except that `refuse` may return the error to reject a run with. */
function lax(refuse: (feeds: TensorMap) => unknown = () => undefined): ModelHandle {
  const inner = managed(SIGNATURE);
  return Object.assign(Object.create(inner) as ModelHandle, {
    run: async (given: TensorMap) => {
      const error = refuse(given);
      if (error !== undefined) throw error;
      return {};
    },
  });
}

const contextOf = (handle: ModelHandle, limits: ConformanceLimits = LIMITS): ConformanceContext => ({
  options: { name: 't', createBackend: () => Promise.reject(new Error('not used')), source: 't', feeds, expected: {}, limits },
  backend: undefined as never,
  handle,
});

/** Whether `feeds` hold an ids element outside [0, 5). */
const idsOutside = (given: TensorMap): boolean => Array.from(given.ids!.data as BigInt64Array).some((v) => v < 0n || v >= 5n);

describe('limitChecks', () => {
  it('passes every check on a handle that enforces what it declares, null shapes, null dim limits and a fixed-dim limit included', async () => {
    const context = contextOf(managed(SIGNATURE));
    await expect(limitChecks.rejectsValuesAboveRange(context)).resolves.toBeUndefined();
    await expect(limitChecks.rejectsValuesBelowRange(context)).resolves.toBeUndefined();
    await expect(limitChecks.rejectsOverlongDims(context)).resolves.toBeUndefined();
    await expect(limitChecks.rejectsEmptyDims(context)).resolves.toBeUndefined();
  });

  it('passes when neither the options nor the signature state any limit', async () => {
    const plain = signatureOf([{ name: 'ids', dtype: 'int64', shape: [1, 2] }, { name: 'extra', dtype: 'float32', shape: null }]);
    const plainFeeds = (): TensorMap => ({ ids: Tensor.zeros('int64', [1, 2]), extra: Tensor.zeros('float32', [1]) });
    const context: ConformanceContext = {
      options: { name: 't', createBackend: () => Promise.reject(new Error('not used')), source: 't', feeds: plainFeeds, expected: {} },
      backend: undefined as never,
      handle: managed(plain),
    };
    await expect(limitChecks.rejectsValuesAboveRange(context)).resolves.toBeUndefined();
    await expect(limitChecks.rejectsValuesBelowRange(context)).resolves.toBeUndefined();
    await expect(limitChecks.rejectsOverlongDims(context)).resolves.toBeUndefined();
    await expect(limitChecks.rejectsEmptyDims(context)).resolves.toBeUndefined();
  });

  it('fails naming the input, element and value, or the symbol and size, when the handle runs what it should refuse', async () => {
    const context = contextOf(lax());
    await expect(limitChecks.rejectsValuesAboveRange(context)).rejects.toThrow('ids element 0 = 5: expected INVALID_INPUT, but the run succeeded');
    await expect(limitChecks.rejectsValuesBelowRange(context)).rejects.toThrow('ids element 0 = -1: expected INVALID_INPUT, but the run succeeded');
    await expect(limitChecks.rejectsOverlongDims(context)).rejects.toThrow('seq = 4: expected INVALID_INPUT, but the run succeeded');
    // batch is the first symbol; only past may be empty.
    await expect(limitChecks.rejectsEmptyDims(context)).rejects.toThrow('batch = 0: expected INVALID_INPUT, but the run succeeded');
  });

  it('refuses only the empty dims a signature does not allow', async () => {
    const empties: string[] = [];
    const handle = lax((given) => {
      const empty = Object.entries(given).filter(([, t]) => t.shape.includes(0)).map(([name]) => name);
      empties.push(empty.join('+'));
      return empty.length > 0 ? new InferoxError('INVALID_INPUT', `input ${JSON.stringify(empty[0])} is empty`) : undefined;
    });
    await expect(limitChecks.rejectsEmptyDims(contextOf(handle))).resolves.toBeUndefined();
    expect(empties).toEqual(['ids+past', 'ids']);
  });

  it('fails when the handle refuses the bound itself', async () => {
    const tighter = (change: Partial<TensorSpec>) => managed(signatureOf([{ ...IDS, ...change }, ...INPUTS.slice(1)]), SIGNATURE);
    await expect(limitChecks.rejectsValuesAboveRange(contextOf(tighter({ valueRange: { min: 0, maxExclusive: 4 } })))).rejects.toThrow('element 0 is 4, outside [0, 4)');
    await expect(limitChecks.rejectsValuesBelowRange(contextOf(tighter({ valueRange: { min: 1, maxExclusive: 5 } })))).rejects.toThrow('element 0 is 0, outside [1, 5)');
    await expect(limitChecks.rejectsOverlongDims(contextOf(tighter({ dimLimits: [null, { max: 2 }] })))).rejects.toThrow('the model takes at most 2');
  });

  it('fails naming the value and what the handle threw when a refusal is not INVALID_INPUT', async () => {
    const crash = contextOf(lax((given) => (idsOutside(given) ? new Error('native crash') : undefined)));
    await expect(limitChecks.rejectsValuesAboveRange(crash)).rejects.toThrow(/^ids element 0 = 5: native crash: expected 'Error: native crash' to be 'INVALID_INPUT'/);
    const backend = contextOf(lax((given) => (idsOutside(given) ? new InferoxError('BACKEND_ERROR', 'out of memory') : undefined)));
    await expect(limitChecks.rejectsValuesBelowRange(backend)).rejects.toThrow(/^ids element 0 = -1: out of memory: expected 'BACKEND_ERROR' to be 'INVALID_INPUT'/);
  });

  it('fails naming the refusal when INVALID_INPUT does not name the input', async () => {
    const vague = contextOf(lax((given) => (idsOutside(given) ? new InferoxError('INVALID_INPUT', 'bad value') : undefined)));
    await expect(limitChecks.rejectsValuesAboveRange(vague)).rejects.toThrow('ids element 0 = 5: the message names the input: bad value');
  });

  it('fails naming what differs when the signature declares other limits than the options state', async () => {
    const handle = managed(SIGNATURE);
    await expect(limitChecks.rejectsValuesAboveRange(contextOf(handle, { ...LIMITS, valueRanges: { ids: { min: 0, maxExclusive: 6 } } }))).rejects.toThrow(
      /^the value ranges the signature declares/,
    );
    await expect(limitChecks.rejectsOverlongDims(contextOf(handle, { ...LIMITS, maxDims: { seq: 4 } }))).rejects.toThrow(/^the largest dims the signature declares/);
  });
});

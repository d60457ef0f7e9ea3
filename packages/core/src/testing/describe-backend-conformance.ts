import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Backend } from '../backend';
import type { ModelHandle } from '../model-handle';
import { conformanceChecks } from './conformance-checks';
import type { ConformanceContext, ConformanceOptions } from './conformance-options';

/**
 * Registers a vitest `describe` block that checks `options.createBackend()` against the core contract: init,
 * load, signature, run (values within tolerance), output selection (a name given twice returned once), bad feeds,
 * declared limits (value ranges, longest and empty dims), cancellation of run and load (an aborted signal wins over
 * bad feeds), load options (`name` used, an unknown one refused), dispose (a concurrent second call waits) and use after dispose, init with an aborted signal after init. The backend and the model are created once in `beforeAll` and disposed in
 * `afterAll`.
 *
 * @example
 * ```ts
 * describeBackendConformance({
 *   name: 'onnx (cpu)',
 *   createBackend: () => createOnnxBackend(),
 *   source: 'fixtures/tiny-bert-hf/model.onnx',
 *   feeds: () => ({ input_ids: ..., attention_mask: ..., token_type_ids: ... }),
 *   expected: { last_hidden_state: { shape: [3, 12, 64], values: reference.flat(2) } },
 * });
 * ```
 */
export function describeBackendConformance(options: ConformanceOptions): void {
  describe(`Backend conformance: ${options.name}`, () => {
    let backend: Backend | undefined;
    let handle: ModelHandle | undefined;
    const context = (): ConformanceContext => ({ options, backend: backend!, handle: handle! });

    beforeAll(async () => {
      backend = await options.createBackend();
      handle = await backend.loadModel(options.source, options.loadOptions);
    });
    afterAll(async () => {
      await handle?.dispose();
      await backend?.dispose();
    });

    it('initialises once and reports itself when init is called twice', () => conformanceChecks.initialisesOnce(context()));
    it('describes the loaded model when a source loads', () => conformanceChecks.describesModel(context()));
    it('produces the expected outputs when run with valid feeds', () => conformanceChecks.producesExpectedOutputs(context()));
    it('returns only the selected outputs when outputs are named', () => conformanceChecks.selectsOutputs(context()));
    it('rejects with INVALID_INPUT naming the input when a feed is missing, extra, of the wrong dtype or rank', () =>
      conformanceChecks.rejectsBadFeeds(context()));
    it('rejects with CANCELLED when the signal is aborted before the run starts', () => conformanceChecks.rejectsAbortedRun(context()));
    it('rejects with CANCELLED when the signal is aborted before the load starts', () => conformanceChecks.rejectsAbortedLoad(context()));
    it('uses options.name, and rejects with INVALID_INPUT naming it and the known options when a load option is unknown', () =>
      conformanceChecks.checksLoadOptions(context()));
    it('throws DISPOSED on run after dispose, and dispose is idempotent', () => conformanceChecks.disposesModel(context()));
    it('returns an output once when it is requested twice', () => conformanceChecks.deduplicatesOutputs(context()));
    it('rejects with INVALID_INPUT when a value is at or past the top of its declared range (token id outside the vocabulary)', () =>
      conformanceChecks.rejectsValuesAboveRange(context()));
    it('rejects with INVALID_INPUT when a value is below its declared range (negative token id)', () => conformanceChecks.rejectsValuesBelowRange(context()));
    it('rejects with INVALID_INPUT when a dim is longer than its declared maximum (max_position_embeddings)', () => conformanceChecks.rejectsOverlongDims(context()));
    it('rejects with INVALID_INPUT when the batch or the sequence is empty', () => conformanceChecks.rejectsEmptyDims(context()));
    it('rejects with CANCELLED, not INVALID_INPUT, when the feeds are bad and the signal is already aborted', () => conformanceChecks.rejectsAbortedBadFeeds(context()));
    it('resolves a second dispose() only after the first one finished when both are called at once', () => conformanceChecks.disposeWaitsForDisposal(context()));
    it('resolves init() with the memoised result when the signal is aborted after a successful init', () => conformanceChecks.initIgnoresAbortAfterInit(context()));
  });
}

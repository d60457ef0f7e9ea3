/**
 * @packageDocumentation
 * The backend conformance suite: every backend package runs it against itself, so every backend honours the same
 * contract (load, signature, run, bad feeds, declared limits, cancellation, dispose, use after dispose). Needs vitest.
 *
 * @example
 * ```ts
 * import { describeBackendConformance } from '@inferox/core/testing';
 *
 * describeBackendConformance({
 *   name: 'onnx (cpu)',
 *   createBackend: () => createOnnxBackend(),
 *   source: 'fixtures/tiny-bert-hf/model.onnx',
 *   feeds: () => ({ input_ids: ..., attention_mask: ..., token_type_ids: ... }),
 *   expected: { last_hidden_state: { shape: [3, 12, 64], values: reference.flat(2) } },
 * });
 * ```
 */
export { describeBackendConformance } from './describe-backend-conformance';
export { conformanceChecks } from './conformance-checks';
export type { ConformanceCheck } from './conformance-checks';
export type { ConformanceContext, ConformanceLimits, ConformanceOptions, ExpectedOutput } from './conformance-options';
export { expectInferoxError } from './expect-inferox-error';
export { rejectionOf } from './rejection-of';
export { thrownBy } from './thrown-by';
export { maxAbsDiff } from './max-abs-diff';
export { bertReferenceFeeds, expectBertReference } from './bert-reference';
export type { BertReference, BertReferenceCheck, BertReferenceOutput } from './bert-reference';
export { BERT_FORWARD_ACTIVATIONS, bertForward } from './bert-forward';
export type { BertForwardConfig } from './bert-forward';

/**
 * @packageDocumentation
 * The type-erased {@link Tensor}, {@link DType}, {@link Device}, the {@link Backend} and {@link ModelHandle}
 * contracts every backend implements, the {@link InferoxError} type and a safetensors codec. Depends on nothing.
 */
export { ErrorCode, isErrorCode } from './error-codes';
export { InferoxError, isInferoxError, toInferoxError } from './inferox-error';
export type { InferoxErrorOptions } from './inferox-error';
export { abortError, throwIfAborted } from './abort';
export { noopLogger } from './logger';
export type { Logger, LogFields } from './logger';
export {
  DTYPES,
  MAX_STRING_ELEMENTS,
  allocData,
  bfloat16BitsToNumber,
  byteSizeOf,
  dataTypeName,
  dtypeFromV2,
  dtypeInfo,
  dtypeToV2,
  float16BitsToNumber,
  isDType,
  isDataFor,
  isFloat,
  isInt,
  isSigned,
  numberToBfloat16Bits,
  numberToFloat16Bits,
} from './dtype';
export type { DType, DTypeArrayMap, DTypeInfo, DataFor, NumericArray } from './dtype';
export { Tensor } from './tensor';
export type { ScalarLike, TensorMap, V2Tensor } from './tensor';
export { DEVICE_KINDS, formatDevice, parseDevice } from './device';
export type { Device, DeviceKind } from './device';
export type { Dim, DimLimit, ModelHandle, ModelSignature, RunOptions, TensorSpec, ValueRange } from './model-handle';
export type { ModelRunner, RunContext } from './model-runner';
export { ManagedModelHandle } from './managed-model-handle';
export type { ManagedModelHandleInit } from './managed-model-handle';
export { QUOTE_MAX_CHARS, cutText, quoteValue } from './quote-value';
export type { Backend, BackendFactorySpec, BackendInfo, InitAttempt, LoadModelOptions, LoadModelOptionsOf, ModelFormat, ModelSource, SignalOptions } from './backend';
export { LOAD_MODEL_OPTION_NAMES, checkLoadModelOptions } from './check-load-model-options';
export type { OwnLoadModelOptionNames } from './check-load-model-options';
export { validateFeeds } from './validate-feeds';
export { MAX_RUNS_IN_FLIGHT, checkRunsInFlight } from './runs-in-flight';
export { batchDimOf, checkBatchable } from './batch-dim';
export {
  SAFETENSORS_DTYPES,
  SAFETENSORS_MAX_HEADER_BYTES,
  parseSafetensors,
  parseSafetensorsHeader,
  safetensorsHeaderSize,
  serializeSafetensors,
} from './safetensors';
export type { SafetensorsEntry, SafetensorsFile, SafetensorsHeader, SafetensorsInput, SafetensorsTensorInfo } from './safetensors';
export {
  DEFAULT_V2_LIMITS,
  V2_HEADER_CONTENT_LENGTH,
  V2_LIMIT_NAMES,
  bodyBytes,
  decodeInferRequest,
  decodeInferResponse,
  encodeInferRequest,
  encodeInferResponse,
  parseInferRequest,
  parseInferRequestText,
  resolveV2Limits,
} from './v2/index';
export type {
  V2DecodeResponseOptions,
  V2EncodeOptions,
  V2EncodedBody,
  V2InferRequest,
  V2InferResponse,
  V2Limits,
  V2ParseOptions,
  V2ParsedRequest,
  V2ParsedResponse,
  V2RequestInit,
  V2RequestedOutput,
  V2ResponseInit,
  V2WireTensor,
} from './v2/index';

export { DEFAULT_V2_LIMITS, V2_LIMIT_NAMES, resolveV2Limits } from './v2-limits';
export type { V2Limits } from './v2-limits';
export { V2_HEADER_CONTENT_LENGTH } from './v2-types';
export type { V2EncodedBody, V2InferRequest, V2InferResponse, V2ParsedRequest, V2RequestedOutput, V2ResponseInit, V2WireTensor } from './v2-types';
export { decodeInferRequest, parseInferRequest, parseInferRequestText } from './parse-infer-request';
export type { V2ParseOptions } from './parse-infer-request';
export { bodyBytes, encodeInferRequest, encodeInferResponse } from './encode-infer-body';
export type { V2EncodeOptions, V2RequestInit } from './encode-infer-body';

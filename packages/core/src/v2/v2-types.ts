import type { Tensor, TensorMap } from '../tensor';

/** The HTTP header that gives the length of the JSON part of a body carrying binary tensor data. */
export const V2_HEADER_CONTENT_LENGTH = 'inference-header-content-length';

/** A tensor on the wire: `data` flat or nested row-major, or `parameters.binary_data_size` bytes after the JSON. */
export interface V2WireTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly data?: readonly unknown[];
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** An Open Inference Protocol v2 inference request body (its JSON part). */
export interface V2InferRequest {
  readonly id?: string;
  readonly inputs: readonly V2WireTensor[];
  readonly outputs?: readonly { readonly name: string; readonly parameters?: Readonly<Record<string, unknown>> }[];
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** An Open Inference Protocol v2 inference response body (its JSON part). */
export interface V2InferResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id?: string;
  readonly outputs: readonly V2WireTensor[];
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** An output a request asks for. */
export interface V2RequestedOutput {
  readonly name: string;
  /** Whether it goes back as binary data (`parameters.binary_data`, else the request's `binary_data_output`). */
  readonly binary: boolean;
}

/** A request the codec has checked and converted. */
export interface V2ParsedRequest {
  readonly id?: string;
  /**
   * The inputs by name, in request order, except that integer-like names (`"0"`) come first as JavaScript orders
   * object keys (a null-prototype record, so no name can reach `Object.prototype`). The caller owns the tensors.
   */
  readonly feeds: TensorMap;
  /** The outputs asked for, in request order; empty means all. */
  readonly outputs: readonly V2RequestedOutput[];
  /** The request's `parameters` (`{}` when absent). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Whether outputs not listed in `outputs` go back as binary data (the request's `binary_data_output`). */
  readonly binaryDataOutput: boolean;
  /** Total elements over every input. */
  readonly elements: number;
}

/** What a response is built from. */
export interface V2ResponseInit {
  readonly modelName: string;
  readonly modelVersion?: string;
  readonly id?: string;
  /** Named outputs, written in this order. */
  readonly outputs: TensorMap | readonly (readonly [string, Tensor])[];
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Which outputs go back as binary data: all (`true`), none (`false`, the default) or the named ones. */
  readonly binaryOutputs?: boolean | readonly string[];
}

/** An encoded body, produced lazily so that a large one is written as a stream rather than one string. */
export interface V2EncodedBody {
  /** `application/json`, or `application/octet-stream` when binary data follows the JSON. */
  readonly contentType: 'application/json' | 'application/octet-stream';
  /** The JSON part's length in bytes, for the `Inference-Header-Content-Length` header; only with binary data. */
  readonly headerLength?: number;
  /** An upper bound of the body's length in bytes (exact when binary data follows). */
  readonly maxBytes: number;
  /** The body in order: strings are UTF-8 text, arrays raw bytes. Each call starts again from the beginning. */
  chunks(): Generator<string | Uint8Array>;
}

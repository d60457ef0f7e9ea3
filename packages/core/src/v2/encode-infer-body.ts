import { ErrorCode } from '../error-codes';
import { InferoxError } from '../inferox-error';
import { Tensor, type TensorMap } from '../tensor';
import { binarySize, encodeBinaryData, utf8Length } from './internal/v2-binary';
import { type BodyTensor, tensorJson, tensorJsonBound } from './internal/v2-json-writer';
import { quote } from './internal/v2-quote';
import { type V2Limits, overLimit, resolveV2Limits } from './v2-limits';
import type { V2EncodedBody, V2ResponseInit } from './v2-types';

/** Options of the v2 encoders. */
export interface V2EncodeOptions {
  /** `maxOutputBytes` bounds the body. @defaultValue {@link DEFAULT_V2_LIMITS} */
  readonly limits?: Partial<V2Limits>;
}

/** What a request is built from (the client side of the protocol: tests, benches, tools). */
export interface V2RequestInit {
  readonly id?: string;
  readonly inputs: TensorMap | readonly (readonly [string, Tensor])[];
  /** Outputs to ask for; `binary` sets their `parameters.binary_data`. */
  readonly outputs?: readonly (string | { readonly name: string; readonly binary?: boolean })[];
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Send every input's data as binary after the JSON part. @defaultValue false */
  readonly binary?: boolean;
}

function entries(tensors: TensorMap | readonly (readonly [string, Tensor])[]): [string, Tensor][] {
  const list = Array.isArray(tensors) ? (tensors as [string, Tensor][]) : Object.entries(tensors as TensorMap);
  for (const [name, tensor] of list) {
    if (!(tensor instanceof Tensor)) throw new InferoxError(ErrorCode.INVALID_INPUT, `tensor ${quote(name)} is not a Tensor`, { details: { name: String(name).slice(0, 256) } });
  }
  return list;
}

function json(value: unknown, what: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${what} cannot be written as JSON: ${(error as Error).message.slice(0, 200)}`, { cause: error });
  }
}

/** Builds a body from its JSON fields before and after the tensor list, checking the size bound first. */
function encodeBody(prefix: string, key: 'inputs' | 'outputs', tensors: BodyTensor[], suffix: string, limits: V2Limits, what: string): V2EncodedBody {
  const open = `${prefix}"${key}":[`;
  const close = `]${suffix}}`;
  let bound = utf8Length(open) + utf8Length(close);
  for (const t of tensors) bound += tensorJsonBound(t) + 1;
  const binaries = tensors.filter((t) => t.binary);
  const binaryBytes = binaries.reduce((n, t) => n + binarySize(t.tensor), 0);
  if (bound + binaryBytes > limits.maxOutputBytes) {
    throw overLimit('maxOutputBytes', limits.maxOutputBytes, `${what} size (at most, before it is written)`, bound + binaryBytes);
  }
  function* text(): Generator<string> {
    yield open;
    for (let i = 0; i < tensors.length; i++) {
      if (i > 0) yield ',';
      yield* tensorJson(tensors[i]!);
    }
    yield close;
  }
  if (binaries.length === 0) {
    return { contentType: 'application/json', maxBytes: bound, chunks: text };
  }
  // The JSON part's exact length goes in a header, so it is built whole; its data is bounded by maxOutputBytes.
  const header = [...text()].join('');
  const headerLength = utf8Length(header);
  return {
    contentType: 'application/octet-stream',
    headerLength,
    maxBytes: headerLength + binaryBytes,
    *chunks() {
      yield header;
      for (const t of binaries) yield encodeBinaryData(t.tensor);
    },
  };
}

/**
 * Encodes a v2 inference response as a lazily written body: JSON, or a JSON part followed by binary data for the
 * outputs named in `binaryOutputs`. The body's size bound is checked against `maxOutputBytes` before anything is
 * produced.
 *
 * @param init - model name, id, outputs (written in order) and parameters.
 * @param options - limits.
 * @returns the body as chunks, its content type and, with binary data, the JSON part's length.
 * @throws InferoxError `INVALID_INPUT` when the body could pass `maxOutputBytes` (naming it) or an output is not a
 *   Tensor; `DISPOSED` when an output was disposed.
 */
export function encodeInferResponse(init: V2ResponseInit, options: V2EncodeOptions = {}): V2EncodedBody {
  const limits = resolveV2Limits(options.limits);
  const binary = init.binaryOutputs ?? false;
  const tensors = entries(init.outputs).map(([name, tensor]) => ({
    name,
    tensor,
    binary: binary === true || (Array.isArray(binary) && binary.includes(name)),
  }));
  const prefix =
    `{"model_name":${json(init.modelName, 'model_name')},` +
    (init.modelVersion === undefined ? '' : `"model_version":${json(init.modelVersion, 'model_version')},`) +
    (init.id === undefined ? '' : `"id":${json(init.id, 'id')},`) +
    (init.parameters === undefined ? '' : `"parameters":${json(init.parameters, 'parameters')},`);
  return encodeBody(prefix, 'outputs', tensors, '', limits, 'response');
}

/**
 * Encodes a v2 inference request (JSON, or with `binary: true` a JSON part plus binary data), for clients and tests.
 *
 * @throws InferoxError `INVALID_INPUT` when the body could pass `maxOutputBytes` or an input is not a Tensor.
 */
export function encodeInferRequest(init: V2RequestInit, options: V2EncodeOptions = {}): V2EncodedBody {
  const limits = resolveV2Limits(options.limits);
  const tensors = entries(init.inputs).map(([name, tensor]) => ({ name, tensor, binary: init.binary === true }));
  const outputs = init.outputs?.map((o) =>
    typeof o === 'string' ? { name: o } : { name: o.name, ...(o.binary === undefined ? {} : { parameters: { binary_data: o.binary } }) },
  );
  const prefix =
    '{' +
    (init.id === undefined ? '' : `"id":${json(init.id, 'id')},`) +
    (init.parameters === undefined ? '' : `"parameters":${json(init.parameters, 'parameters')},`);
  const suffix = outputs === undefined ? '' : `,"outputs":${json(outputs, 'outputs')}`;
  return encodeBody(prefix, 'inputs', tensors, suffix, limits, 'request');
}

/**
 * Joins an encoded body into one byte array (for small bodies and tests; stream `chunks()` for large ones).
 */
export function bodyBytes(body: V2EncodedBody): Uint8Array {
  const encoder = new TextEncoder();
  const parts = [...body.chunks()].map((c) => (typeof c === 'string' ? encoder.encode(c) : c));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

import { ErrorCode, InferoxError, Tensor, type TensorMap, type V2Tensor } from '@inferox/core';

/** An Open Inference Protocol v2 inference request body. */
export interface V2InferRequest {
  readonly id?: string;
  readonly inputs: readonly V2Tensor[];
  readonly outputs?: readonly { readonly name: string }[];
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** An Open Inference Protocol v2 inference response body. */
export interface V2InferResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id?: string;
  readonly outputs: readonly V2Tensor[];
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** A parsed request: named feeds and the outputs asked for (empty: all). */
export interface ParsedRequest {
  readonly id?: string;
  readonly feeds: TensorMap;
  readonly outputs: readonly string[];
}

function invalid(message: string, details: Record<string, unknown> = {}): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, message, { details });
}

/**
 * Parses a v2 request body: valid JSON, an `inputs` array of `{ name, datatype, shape, data }` with known datatypes,
 * data lengths matching shapes and values the datatype can hold exactly.
 *
 * @param text - the body.
 * @param source - where it came from, for messages (`inputs.json`, `stdin`).
 * @throws InferoxError `INVALID_INPUT` saying what is wrong and, for a tensor, naming it.
 */
export function parseInferRequest(text: string, source = 'request'): ParsedRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${source} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof body !== 'object' || body === null || !Array.isArray((body as V2InferRequest).inputs)) {
    throw invalid(`${source} must be a v2 inference request: an object with an "inputs" array`);
  }
  const request = body as V2InferRequest;
  if (request.inputs.length === 0) throw invalid(`${source} has an empty "inputs" array`);
  const feeds: Record<string, Tensor> = {};
  request.inputs.forEach((input, index) => {
    if (typeof input !== 'object' || input === null || typeof input.name !== 'string' || input.name === '') {
      throw invalid(`${source}: inputs[${index}] needs a non-empty "name"`, { index });
    }
    if (typeof input.datatype !== 'string') throw invalid(`${source}: input "${input.name}" needs a "datatype" string`, { input: input.name });
    if (Object.hasOwn(feeds, input.name)) throw invalid(`${source}: input "${input.name}" is given twice`, { input: input.name });
    feeds[input.name] = Tensor.fromJSON(input);
  });
  const outputs = Array.isArray(request.outputs) ? request.outputs.map((o, i) => {
    if (typeof o?.name !== 'string') throw invalid(`${source}: outputs[${i}] needs a "name"`);
    return o.name;
  }) : [];
  return { ...(typeof request.id === 'string' ? { id: request.id } : {}), feeds, outputs };
}

/** Builds a v2 response body from named outputs, in the given order. */
export function buildInferResponse(
  modelName: string,
  outputs: Readonly<Record<string, Tensor>>,
  parameters: Readonly<Record<string, unknown>>,
  extra: { id?: string; version?: string } = {},
): V2InferResponse {
  return {
    model_name: modelName,
    ...(extra.version === undefined ? {} : { model_version: extra.version }),
    ...(extra.id === undefined ? {} : { id: extra.id }),
    outputs: Object.entries(outputs).map(([name, tensor]) => tensor.toJSON(name)),
    parameters,
  };
}

import type { TensorMap } from '../tensor';
import { splitBody } from './internal/v2-body';
import { invalid, isRecord, planTensors, readTensors } from './internal/v2-read-tensors';
import { quote } from './internal/v2-quote';
import { type V2Limits, overLimit, resolveV2Limits } from './v2-limits';

/** A response the codec has checked and converted (the client side of the protocol). */
export interface V2ParsedResponse {
  readonly modelName: string;
  readonly modelVersion?: string;
  readonly id?: string;
  /** The outputs by name (a null-prototype record); the caller owns the tensors. */
  readonly outputs: TensorMap;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** Options of {@link decodeInferResponse}. */
export interface V2DecodeResponseOptions {
  /** The same limits as for requests (`maxOutputs` bounds the outputs, `maxRequestBytes` the body). */
  readonly limits?: Partial<V2Limits>;
  /** Where the response came from, for messages. @defaultValue `'response'` */
  readonly source?: string;
  /** The JSON part's length (`Inference-Header-Content-Length`) when binary data follows it. */
  readonly headerLength?: number;
}

/**
 * Reads a v2 inference response body (JSON, or a JSON part followed by binary data for outputs sent with
 * `binary_data_size`), with the same checks and limits as requests.
 *
 * @returns the model name, id, parameters and the outputs as tensors.
 * @throws InferoxError `INVALID_INPUT` saying what is wrong, naming the output and, for a limit, the limit.
 */
export function decodeInferResponse(bytes: Uint8Array, options: V2DecodeResponseOptions = {}): V2ParsedResponse {
  const limits = resolveV2Limits(options.limits);
  const source = options.source ?? 'response';
  const { json: body, binary } = splitBody(bytes, options.headerLength, source, limits);
  if (!isRecord(body) || typeof body.model_name !== 'string' || !Array.isArray(body.outputs)) {
    throw invalid(source, 'a v2 inference response is an object with a "model_name" string and an "outputs" array');
  }
  const list = body.outputs as unknown[];
  if (list.length > limits.maxOutputs) throw overLimit('maxOutputs', limits.maxOutputs, `${source}: number of outputs`, list.length);
  for (const key of ['model_version', 'id'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string') throw invalid(source, `"${key}" must be a string, got ${quote(body[key])}`);
  }
  if (body.parameters !== undefined && !isRecord(body.parameters)) throw invalid(source, `"parameters" must be an object, got ${quote(body.parameters)}`);
  const outputs = readTensors(planTensors(list, source, limits, 'output'), binary, source, limits);
  return {
    modelName: body.model_name,
    ...(typeof body.model_version === 'string' ? { modelVersion: body.model_version } : {}),
    ...(typeof body.id === 'string' ? { id: body.id } : {}),
    outputs,
    parameters: (body.parameters ?? {}) as Record<string, unknown>,
  };
}

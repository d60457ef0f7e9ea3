import { parseJson, splitBody } from './internal/v2-body';
import { checkName, invalid, isRecord, planTensors, readTensors } from './internal/v2-read-tensors';
import { quote } from './internal/v2-quote';
import { type V2Limits, overLimit, resolveV2Limits } from './v2-limits';
import type { V2ParsedRequest, V2RequestedOutput } from './v2-types';

/** Options of the v2 request parsers. */
export interface V2ParseOptions {
  /** Limits checked before anything is allocated. @defaultValue {@link DEFAULT_V2_LIMITS} */
  readonly limits?: Partial<V2Limits>;
  /** Where the request came from, for messages (`stdin`, a file name). @defaultValue `'request'` */
  readonly source?: string;
  /** The bytes after the JSON part (binary tensor data extension), read in input order by `binary_data_size`. */
  readonly binary?: Uint8Array;
}

/**
 * Checks and converts a v2 inference request whose JSON is already parsed. Everything bounded by the limits is
 * checked first — counts of inputs and outputs, name lengths, shape ranks and the declared element count over all
 * inputs — so a request declaring `[1000000000]` is refused before any data is read; then each input's `data` (flat
 * or nested) or binary data is converted exactly.
 *
 * @param body - the parsed JSON part of the request.
 * @param options - limits, a source name for messages, and the binary part of the body.
 * @returns named feeds (owned by the caller), the outputs asked for and the request parameters.
 * @throws InferoxError `INVALID_INPUT` saying what is wrong, naming the input (cut) and, for a limit, the limit.
 */
export function parseInferRequest(body: unknown, options: V2ParseOptions = {}): V2ParsedRequest {
  const limits = resolveV2Limits(options.limits);
  const source = options.source ?? 'request';
  if (!isRecord(body) || !Array.isArray(body.inputs)) throw invalid(source, 'a v2 inference request is an object with an "inputs" array');
  const inputs = body.inputs as unknown[];
  if (inputs.length === 0) throw invalid(source, '"inputs" is empty');
  if (inputs.length > limits.maxInputs) throw overLimit('maxInputs', limits.maxInputs, `${source}: number of inputs`, inputs.length);
  if (body.id !== undefined && typeof body.id !== 'string') throw invalid(source, `"id" must be a string, got ${quote(body.id)}`);
  if (typeof body.id === 'string' && body.id.length > limits.maxNameLength) throw overLimit('maxNameLength', limits.maxNameLength, `${source}: "id" length`, body.id.length);
  if (body.parameters !== undefined && !isRecord(body.parameters)) throw invalid(source, `"parameters" must be an object, got ${quote(body.parameters)}`);
  const parameters = (body.parameters ?? {}) as Record<string, unknown>;
  const binaryDataOutput = parameters.binary_data_output ?? false;
  if (typeof binaryDataOutput !== 'boolean') throw invalid(source, `"parameters.binary_data_output" must be true or false, got ${quote(binaryDataOutput)}`);

  const planned = planTensors(inputs, source, limits);
  const outputs = parseOutputs(body.outputs, binaryDataOutput, source, limits);
  const feeds = readTensors(planned, options.binary ?? new Uint8Array(0), source, limits);
  const elements = planned.reduce((n, p) => n + p.size, 0);
  return { ...(typeof body.id === 'string' ? { id: body.id } : {}), feeds, outputs, parameters, binaryDataOutput, elements };
}

function parseOutputs(value: unknown, binaryDataOutput: boolean, source: string, limits: V2Limits): V2RequestedOutput[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(source, `"outputs" must be an array, got ${quote(value)}`);
  if (value.length > limits.maxOutputs) throw overLimit('maxOutputs', limits.maxOutputs, `${source}: number of outputs`, value.length);
  const seen = new Set<string>();
  return value.map((output: unknown, index) => {
    if (!isRecord(output)) throw invalid(source, `outputs[${index}] must be an object, got ${quote(output)}`);
    const name = checkName(output.name, `outputs[${index}]`, source, limits);
    if (seen.has(name)) throw invalid(source, `output ${quote(name)} is asked for twice`, { name });
    seen.add(name);
    const params = output.parameters;
    if (params !== undefined && !isRecord(params)) throw invalid(source, `output ${quote(name)}: "parameters" must be an object`, { name });
    const binary = params?.binary_data ?? binaryDataOutput;
    if (typeof binary !== 'boolean') throw invalid(source, `output ${quote(name)}: parameters.binary_data must be true or false, got ${quote(binary)}`, { name });
    return { name, binary };
  });
}

/**
 * Parses a JSON request body (no binary data). The text's length is checked against `maxRequestBytes` before it is
 * parsed.
 *
 * @throws InferoxError `INVALID_INPUT` for a body over the limit, text that is not JSON, or anything
 *   {@link parseInferRequest} refuses.
 */
export function parseInferRequestText(text: string, options: Omit<V2ParseOptions, 'binary'> = {}): V2ParsedRequest {
  const limits = resolveV2Limits(options.limits);
  const source = options.source ?? 'request';
  if (typeof text !== 'string') throw invalid(source, `the body must be text, got ${quote(text)}`);
  if (text.length > limits.maxRequestBytes) throw overLimit('maxRequestBytes', limits.maxRequestBytes, `${source}: body size`, text.length);
  return parseInferRequest(parseJson(text, source), { ...options, limits });
}

/**
 * Parses a request body given as bytes: all JSON, or (with `headerLength`, from the `Inference-Header-Content-Length`
 * header) a JSON part followed by binary tensor data.
 *
 * @throws InferoxError `INVALID_INPUT` for a body over `maxRequestBytes`, a header length past the body, bytes that
 *   are not UTF-8 JSON, or anything {@link parseInferRequest} refuses.
 */
export function decodeInferRequest(bytes: Uint8Array, options: Omit<V2ParseOptions, 'binary'> & { readonly headerLength?: number } = {}): V2ParsedRequest {
  const limits = resolveV2Limits(options.limits);
  const { json, binary } = splitBody(bytes, options.headerLength, options.source ?? 'request', limits);
  return parseInferRequest(json, { ...options, limits, binary });
}

import { type DType, dtypeFromV2 } from '../dtype';
import { ErrorCode } from '../error-codes';
import { InferoxError, isInferoxError } from '../inferox-error';
import { Tensor } from '../tensor';
import { decodeBinaryData, fixedBinarySize } from './internal/v2-binary';
import { convertJsonData, flattenData } from './internal/v2-data';
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

interface Planned {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  readonly size: number;
  readonly data?: unknown;
  readonly binarySize?: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(source: string, message: string, details: Record<string, unknown> = {}): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, `${source}: ${message}`, { details });
}

function checkName(value: unknown, what: string, source: string, limits: V2Limits): string {
  if (typeof value !== 'string' || value === '') throw invalid(source, `${what} needs a non-empty "name" string, got ${quote(value)}`);
  if (value.length > limits.maxNameLength) throw overLimit('maxNameLength', limits.maxNameLength, `${source}: ${what} name ${quote(value, 32)} length`, value.length);
  if (value === '__proto__') throw invalid(source, `${what} cannot be named "__proto__"`, { name: value });
  return value;
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

  const planned = planInputs(inputs, source, limits);
  const outputs = parseOutputs(body.outputs, binaryDataOutput, source, limits);
  const binary = options.binary ?? new Uint8Array(0);
  const binaryTotal = planned.reduce((n, p) => n + (p.binarySize ?? 0), 0);
  if (binaryTotal !== binary.length) {
    throw invalid(source, `the inputs' binary_data_size add up to ${binaryTotal} bytes, the binary data after the JSON has ${binary.length}`, {
      expected: binaryTotal,
      given: binary.length,
    });
  }

  const feeds: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  let at = 0;
  for (const p of planned) {
    try {
      let data;
      if (p.binarySize !== undefined) {
        data = decodeBinaryData(p.dtype, p.size, binary.subarray(at, at + p.binarySize), p.name, limits);
        at += p.binarySize;
      } else {
        data = convertJsonData(p.dtype, flattenData(p.data, p.size, p.shape.length, p.name, limits), p.name, limits);
      }
      if (data.length !== p.size) {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `input ${quote(p.name)}: its shape [${p.shape.join(', ')}] needs ${p.size} elements, "data" has ${data.length}`, {
          details: { name: p.name, expected: p.size, given: data.length },
        });
      }
      feeds[p.name] = Tensor.from(p.dtype, data, p.shape);
    } catch (error) {
      if (isInferoxError(error) && !error.message.startsWith(source)) {
        throw new InferoxError(error.code, `${source}: ${error.message}`, { cause: error.cause, details: error.details });
      }
      throw error;
    }
  }
  const elements = planned.reduce((n, p) => n + p.size, 0);
  return { ...(typeof body.id === 'string' ? { id: body.id } : {}), feeds, outputs, parameters, binaryDataOutput, elements };
}

/** Checks every input's name, datatype, shape and element count, before any data is touched. */
function planInputs(inputs: readonly unknown[], source: string, limits: V2Limits): Planned[] {
  const seen = new Set<string>();
  let total = 0;
  return inputs.map((input, index) => {
    if (!isRecord(input)) throw invalid(source, `inputs[${index}] must be an object, got ${quote(input)}`);
    const name = checkName(input.name, `inputs[${index}]`, source, limits);
    const label = `input ${quote(name)}`;
    if (seen.has(name)) throw invalid(source, `${label} is given twice`, { name });
    seen.add(name);
    if (typeof input.datatype !== 'string') throw invalid(source, `${label} needs a "datatype" string, got ${quote(input.datatype)}`, { name });
    let dtype: DType;
    try {
      dtype = dtypeFromV2(input.datatype.slice(0, 32));
    } catch (error) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `${source}: ${label}: ${(error as Error).message}`, { cause: error, details: { name } });
    }
    const shape = input.shape;
    if (!Array.isArray(shape)) throw invalid(source, `${label} needs a "shape" array, got ${quote(shape)}`, { name });
    if (shape.length > limits.maxDepth) throw overLimit('maxDepth', limits.maxDepth, `${source}: ${label} shape rank`, shape.length);
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i] as unknown;
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw invalid(source, `${label}: shape[${i}] must be a non-negative integer, got ${quote(d)}`, { name });
    }
    const dims = shape as number[];
    let size = dims.includes(0) ? 0 : 1;
    for (let i = 0; i < dims.length && size > 0; i++) {
      size *= dims[i]!;
      if (total + size > limits.maxElements) {
        const shown = `[${dims.slice(0, 8).join(', ')}${dims.length > 8 ? ', …' : ''}]`;
        throw overLimit('maxElements', limits.maxElements, `${source}: ${label} shape ${shown} (with the inputs before it) has at least this many elements`, total + size);
      }
    }
    total += size;
    const params = input.parameters;
    if (params !== undefined && !isRecord(params)) throw invalid(source, `${label}: "parameters" must be an object, got ${quote(params)}`, { name });
    const binarySize = params?.binary_data_size;
    if (binarySize === undefined) {
      if (input.data === undefined) throw invalid(source, `${label} needs "data" (or parameters.binary_data_size with binary data)`, { name });
      return { name, dtype, shape: shape as number[], size, data: input.data };
    }
    if (typeof binarySize !== 'number' || !Number.isSafeInteger(binarySize) || binarySize < 0) {
      throw invalid(source, `${label}: parameters.binary_data_size must be a non-negative integer, got ${quote(binarySize)}`, { name });
    }
    if (input.data !== undefined) throw invalid(source, `${label} has both "data" and parameters.binary_data_size`, { name });
    const fixed = fixedBinarySize(dtype, size);
    if (fixed !== undefined && fixed !== binarySize) {
      throw invalid(source, `${label}: binary_data_size is ${binarySize} bytes; ${size} ${dtype} elements take ${fixed}`, { name });
    }
    if (fixed === undefined && binarySize > size * (4 + limits.maxStringLength)) {
      throw overLimit('maxStringLength', limits.maxStringLength, `${source}: ${label}: binary_data_size ${binarySize} for ${size} BYTES elements implies an element length`, Math.ceil(binarySize / Math.max(size, 1)));
    }
    return { name, dtype, shape: shape as number[], size, binarySize };
  });
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
  const source = options.source ?? 'request';
  if (!(bytes instanceof Uint8Array)) throw invalid(source, `the body must be bytes, got ${quote(bytes)}`);
  if (bytes.length > limits.maxRequestBytes) throw overLimit('maxRequestBytes', limits.maxRequestBytes, `${source}: body size`, bytes.length);
  const { headerLength } = options;
  if (headerLength !== undefined && (!Number.isSafeInteger(headerLength) || headerLength < 0 || headerLength > bytes.length)) {
    throw invalid(source, `Inference-Header-Content-Length ${quote(headerLength)} must be an integer from 0 to the body's ${bytes.length} bytes`);
  }
  const jsonPart = headerLength === undefined ? bytes : bytes.subarray(0, headerLength);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(jsonPart);
  } catch (error) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${source}: the JSON part is not UTF-8`, { cause: error });
  }
  const binary = headerLength === undefined ? new Uint8Array(0) : bytes.subarray(headerLength);
  return parseInferRequest(parseJson(text, source), { ...options, limits, binary });
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${source} is not valid JSON: ${(error as Error).message.slice(0, 200)}`, { cause: error });
  }
}

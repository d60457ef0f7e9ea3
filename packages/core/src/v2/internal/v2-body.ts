import { ErrorCode } from '../../error-codes';
import { InferoxError } from '../../inferox-error';
import { type V2Limits, overLimit } from '../v2-limits';
import { quote } from './v2-quote';

/** Parses a body's JSON text, as `INVALID_INPUT` naming `source` when it is not JSON. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${source} is not valid JSON: ${(error as Error).message.slice(0, 200)}`, { cause: error });
  }
}

/**
 * Splits a body into its parsed JSON part and the binary data after it (`headerLength`, from the
 * `Inference-Header-Content-Length` header; without it the whole body is JSON), checking `maxRequestBytes` first.
 */
export function splitBody(bytes: Uint8Array, headerLength: number | undefined, source: string, limits: V2Limits): { json: unknown; binary: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new InferoxError(ErrorCode.INVALID_INPUT, `${source}: the body must be bytes, got ${quote(bytes)}`);
  if (bytes.length > limits.maxRequestBytes) throw overLimit('maxRequestBytes', limits.maxRequestBytes, `${source}: body size`, bytes.length);
  if (headerLength !== undefined && (!Number.isSafeInteger(headerLength) || headerLength < 0 || headerLength > bytes.length)) {
    throw new InferoxError(
      ErrorCode.INVALID_INPUT,
      `${source}: Inference-Header-Content-Length ${quote(headerLength)} must be an integer from 0 to the body's ${bytes.length} bytes`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerLength === undefined ? bytes : bytes.subarray(0, headerLength));
  } catch (error) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${source}: the JSON part is not UTF-8`, { cause: error });
  }
  return { json: parseJson(text, source), binary: headerLength === undefined ? new Uint8Array(0) : bytes.subarray(headerLength) };
}

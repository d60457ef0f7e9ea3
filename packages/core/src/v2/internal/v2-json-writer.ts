import { bfloat16BitsToNumber, dtypeToV2, float16BitsToNumber } from '../../dtype';
import type { Tensor } from '../../tensor';
import { maxJsonChars } from './v2-data';
import { binarySize, utf8Length } from './v2-binary';

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const CHUNK = 8192;

/** One tensor of a body: its name, and whether its data goes as binary. */
export interface BodyTensor {
  readonly name: string;
  readonly tensor: Tensor;
  readonly binary: boolean;
}

function element(value: number | bigint | string, dtype: string): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value >= MIN_SAFE && value <= MAX_SAFE ? String(value) : `"${value}"`;
  if (dtype === 'bool') return value === 0 ? 'false' : 'true';
  if (dtype === 'float16') return number(float16BitsToNumber(value));
  if (dtype === 'bfloat16') return number(bfloat16BitsToNumber(value));
  return number(value);
}

const number = (n: number): string => (Number.isFinite(n) ? String(n) : `"${n}"`);

/** The JSON of one tensor up to its data: `{"name":..,"datatype":..,"shape":[..]`. */
function head(t: BodyTensor): string {
  return `{"name":${JSON.stringify(t.name)},"datatype":${JSON.stringify(dtypeToV2(t.tensor.dtype))},"shape":${JSON.stringify(t.tensor.shape)}`;
}

/** The JSON text of one tensor, in chunks of a few thousand elements (binary ones carry only `binary_data_size`). */
export function* tensorJson(t: BodyTensor): Generator<string> {
  if (t.binary) {
    yield `${head(t)},"parameters":{"binary_data_size":${binarySize(t.tensor)}}}`;
    return;
  }
  yield `${head(t)},"data":[`;
  const data = t.tensor.data as ArrayLike<number | bigint | string>;
  const dtype = t.tensor.dtype;
  for (let start = 0; start < data.length; start += CHUNK) {
    const end = Math.min(data.length, start + CHUNK);
    const parts = new Array<string>(end - start);
    for (let i = start; i < end; i++) parts[i - start] = element(data[i]!, dtype);
    yield (start > 0 ? ',' : '') + parts.join(',');
  }
  yield ']}';
}

/** The most bytes {@link tensorJson} can write for `t` (exact for strings, a bound for numbers). */
export function tensorJsonBound(t: BodyTensor): number {
  const fixed = utf8Length(head(t)) + 64;
  if (t.binary) return fixed;
  if (t.tensor.dtype !== 'string') return fixed + t.tensor.size * maxJsonChars(t.tensor.dtype);
  let n = fixed;
  for (const s of t.tensor.data as string[]) n += utf8Length(JSON.stringify(s)) + 1;
  return n;
}

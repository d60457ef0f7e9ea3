import {
  type DType,
  type DataFor,
  allocData,
  bfloat16BitsToNumber,
  dataTypeName,
  dtypeFromV2,
  checkDType,
  dtypeToV2,
  float16BitsToNumber,
  isDataFor,
  isFloat,
} from './dtype';
import { ErrorCode } from './error-codes';
import { InferoxError, toInferoxError } from './inferox-error';
import { type ScalarLike, fromPlain, readFloat } from './internal/convert';
import { checkShape, formatShape } from './internal/shape';
import { type V2Tensor, describeJson } from './internal/v2-tensor';
import { cutText, quoteValue } from './quote-value';

export type { ScalarLike } from './internal/convert';
export type { V2Tensor } from './internal/v2-tensor';

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Passed to the constructor by this module's own views (`slice`, `split`), whose dtype, array type, shape and size
 * follow from a tensor that was checked when it was built: they skip the checks (the batch path splits every output
 * into one view per request). Module-private, so no caller can build an unchecked tensor.
 */
const VIEW: unique symbol = Symbol('view');

/** An index clamped to `[0, rows]`, negative ones counted from the end (as `Array.prototype.slice` does). */
const clampRow = (i: number, rows: number): number => Math.min(rows, Math.max(0, i < 0 ? rows + i : i));

/**
 * Marks tensors across copies of this package: an app may load @inferox/core twice (a bundled copy and an
 * installed one, or source and dist), and `instanceof Tensor` must still hold for the other copy's tensors.
 */
const TENSOR_BRAND = Symbol.for('@inferox/core/Tensor');

/** Named tensors: a model's feeds or outputs. */
export type TensorMap = Readonly<Record<string, Tensor>>;

/**
 * An n-dimensional array of one {@link DType}, row-major. Construction validates the shape, the element count and
 * the array type; plain arrays are converted exactly (see {@link Tensor.from}).
 *
 * Ownership: a tensor built from a typed array takes that array without copying (do not mutate it afterwards);
 * `slice`, `split` and `reshape` return views that share the array; `cast`, `concat`, `zeros` and plain-array
 * construction allocate a fresh one. `dispose()` drops this tensor's reference only (JavaScript owns the memory), so
 * views stay readable; after it, `data` throws `DISPOSED`. Whoever receives a tensor from a function owns it unless
 * that function's docs say otherwise.
 *
 * @typeParam D - the element type; `Tensor` alone is the type-erased form.
 * @example
 * ```ts
 * const ids = Tensor.from('int64', [101, 2023, 102], [1, 3]);
 * ids.data; // BigInt64Array [101n, 2023n, 102n]
 * ```
 */
export class Tensor<D extends DType = DType> implements Disposable {
  /** The element type. */
  readonly dtype: D;
  /** The dims, outermost first (frozen); `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Number of elements (the product of `shape`; 1 for a scalar). */
  readonly size: number;
  #data: DataFor<D> | undefined;

  /** `instanceof Tensor` holds for tensors made by any copy of @inferox/core in the process. */
  static [Symbol.hasInstance](value: unknown): value is Tensor {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TENSOR_BRAND] === true;
  }

  get [TENSOR_BRAND](): true {
    return true;
  }

  /** Private: build tensors with {@link Tensor.from} (one way in, so every tensor is checked the same way). */
  private constructor(dtype: D, data: DataFor<D> | readonly ScalarLike[], shape: readonly number[], view?: typeof VIEW, viewSize?: number) {
    if (view === VIEW) {
      // A view of a checked tensor: `shape` is a fresh frozen array and `data` the right array type and length.
      this.dtype = dtype;
      this.shape = shape;
      this.size = viewSize!;
      this.#data = data as DataFor<D>;
      return;
    }
    checkDType(dtype);
    const size = checkShape(shape);
    let array: DataFor<D>;
    if (isDataFor(dtype, data)) {
      array = data;
    } else if (Array.isArray(data)) {
      array = fromPlain(dtype, data as readonly ScalarLike[]);
    } else {
      const given = (data as { constructor?: { name?: string } } | null)?.constructor?.name ?? typeof data;
      throw new InferoxError(ErrorCode.INVALID_INPUT, `a ${dtype} tensor needs a ${dataTypeName(dtype)} or a plain array, got ${given}`, {
        details: { dtype, given },
      });
    }
    if (array.length !== size) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `shape ${formatShape(shape)} needs ${size} elements, data has ${array.length}`, {
        details: { shape: [...shape], expected: size, given: array.length },
      });
    }
    this.dtype = dtype;
    this.shape = Object.freeze([...shape]);
    this.size = size;
    this.#data = array;
  }

  /**
   * Makes a tensor: the one public way to build one.
   *
   * @param dtype - the element type.
   * @param data - the exact array type for `dtype` (taken without copying) or plain values (converted exactly).
   * @param shape - non-negative integers whose product equals the data length.
   * @returns a tensor owning `data` (typed array) or a fresh array (plain values).
   * @throws InferoxError `INVALID_INPUT` naming the bad dimension, length, array type or element.
   */
  static from<D extends DType>(dtype: D, data: DataFor<D> | readonly ScalarLike[], shape: readonly number[]): Tensor<D> {
    return new Tensor(dtype, data, shape);
  }

  /**
   * A zero-filled tensor (empty strings for `string`), owning a fresh array.
   *
   * @throws InferoxError `INVALID_INPUT` for a bad shape or dtype.
   */
  static zeros<D extends DType>(dtype: D, shape: readonly number[]): Tensor<D> {
    return new Tensor(dtype, allocData(dtype, checkShape(shape)), shape);
  }

  /**
   * Concatenates tensors on dim 0. All must share dtype and every dim but the first.
   *
   * @returns a new tensor owning a fresh array.
   * @throws InferoxError `INVALID_INPUT` for an empty list, a scalar, or a dtype/shape mismatch (naming the index).
   */
  static concat<D extends DType>(tensors: readonly Tensor<D>[]): Tensor<D> {
    const first = tensors[0];
    if (!first) throw new InferoxError(ErrorCode.INVALID_INPUT, 'concat needs at least one tensor');
    if (first.shape.length === 0) throw new InferoxError(ErrorCode.INVALID_INPUT, 'concat needs tensors of rank ≥ 1, got a scalar');
    const inner = first.shape.slice(1);
    let rows = 0;
    tensors.forEach((t, i) => {
      if (t.dtype !== first.dtype) {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `concat: tensor ${i} is ${t.dtype}, tensor 0 is ${first.dtype}`, { details: { index: i } });
      }
      if (t.shape.length !== first.shape.length || t.shape.some((d, k) => k > 0 && d !== first.shape[k])) {
        throw new InferoxError(
          ErrorCode.INVALID_INPUT,
          `concat: tensor ${i} has shape ${formatShape(t.shape)}, which differs from tensor 0 ${formatShape(first.shape)} beyond dim 0`,
          { details: { index: i } },
        );
      }
      rows += t.shape[0]!;
    });
    const out = allocData(first.dtype, tensors.reduce((n, t) => n + t.size, 0));
    let offset = 0;
    for (const t of tensors) {
      const data = t.data;
      if (Array.isArray(out)) for (let i = 0; i < data.length; i++) out[offset + i] = (data as string[])[i]!;
      else (out as Uint8Array).set(data as Uint8Array, offset);
      offset += data.length;
    }
    return new Tensor(first.dtype, out, [rows, ...inner]);
  }

  /**
   * Rebuilds a tensor from its v2 JSON form, converting `data` exactly.
   *
   * @throws InferoxError `INVALID_INPUT` for an unknown datatype, a bad shape, a length mismatch or an inexact value.
   */
  static fromJSON(json: V2Tensor): Tensor {
    if (typeof json !== 'object' || json === null || !Array.isArray(json.data) || !Array.isArray(json.shape)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `a v2 tensor needs name, datatype, shape (array) and data (array), got ${describeJson(json)}`);
    }
    const name = typeof json.name === 'string' ? json.name : '(unnamed)';
    try {
      const dtype = dtypeFromV2(json.datatype);
      return new Tensor(dtype, json.data as readonly ScalarLike[], json.shape);
    } catch (error) {
      const e = toInferoxError(error, ErrorCode.INVALID_INPUT);
      throw new InferoxError(e.code, `input ${quoteValue(name)}: ${e.message}`, { cause: error, details: { ...e.details, name: cutText(name) } });
    }
  }

  /**
   * The elements. Ownership stays with the tensor: do not use the array after `dispose()`.
   *
   * @throws InferoxError `DISPOSED` after `dispose()`.
   */
  get data(): DataFor<D> {
    if (this.#data === undefined) throw new InferoxError(ErrorCode.DISPOSED, `tensor ${this.describe()} was disposed`);
    return this.#data;
  }

  /** Whether `dispose()` was called. */
  get disposed(): boolean {
    return this.#data === undefined;
  }

  /** Rank (number of dims). */
  get rank(): number {
    return this.shape.length;
  }

  /** `float32[2, 3]`, for messages. */
  describe(): string {
    return `${this.dtype}${formatShape(this.shape)}`;
  }

  /**
   * A view with another shape over the same data; one entry may be -1 (inferred).
   *
   * @throws InferoxError `INVALID_INPUT` when the sizes differ or more than one -1 is given.
   */
  reshape(shape: readonly number[]): Tensor<D> {
    const inferred = shape.filter((d) => d === -1).length;
    if (inferred > 1) throw new InferoxError(ErrorCode.INVALID_INPUT, `reshape to ${formatShape(shape)}: at most one dim may be -1`);
    let resolved = [...shape];
    if (inferred === 1) {
      const known = checkShape(shape.filter((d) => d !== -1));
      if (known === 0 || this.size % known !== 0) {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `reshape ${this.describe()} to ${formatShape(shape)}: ${this.size} elements do not divide by ${known}`);
      }
      resolved = shape.map((d) => (d === -1 ? this.size / known : d));
    }
    if (checkShape(resolved) !== this.size) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `reshape ${this.describe()} to ${formatShape(shape)}: element counts differ`);
    }
    return new Tensor(this.dtype, this.data, resolved);
  }

  /**
   * A copy converted to `dtype`, exactly: a value the target cannot hold (1.5 into int32, 300 into uint8, NaN into
   * an int, 2049 into float16, 2^53+1 into float64) is refused. Only float-to-float casts round (float64 to float32,
   * float32 to float16, ...), as IEEE does.
   *
   * @returns a new tensor owning a fresh array (the caller owns it; this tensor is unchanged).
   * @throws InferoxError `INVALID_INPUT` naming the first element that would change, or for a string/non-string cast.
   */
  cast<T extends DType>(dtype: T): Tensor<T> {
    checkDType(dtype);
    if ((dtype === 'string') !== (this.dtype === 'string')) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `cast ${this.describe()} to ${dtype}: strings only cast to strings`, {
        details: { from: this.dtype, to: dtype },
      });
    }
    const values = this.toArray();
    const out = fromPlain(dtype, values);
    if (isFloat(dtype) && !isFloat(this.dtype) && dtype !== 'string') {
      for (let i = 0; i < values.length; i++) {
        const source = values[i] as number | bigint | boolean;
        const stored = readFloat(dtype, out as Float32Array, i);
        const exact = typeof source === 'bigint' ? Number.isFinite(stored) && BigInt(stored) === source : stored === Number(source);
        if (!exact) {
          throw new InferoxError(ErrorCode.INVALID_INPUT, `cast ${this.describe()} to ${dtype}: element ${i} (${String(source)}) would become ${stored}`, {
            details: { index: i, value: String(source), from: this.dtype, to: dtype },
          });
        }
      }
    }
    return new Tensor(dtype, out, this.shape);
  }

  /**
   * A view of rows `[start, end)` on dim 0 (a copy for `string`). Negative indices count from the end; indices past
   * either end are clamped, as `Array.prototype.slice` does.
   *
   * @returns a view sharing this tensor's array: disposing either does not free the other's view.
   * @throws InferoxError `INVALID_INPUT` for a scalar or a non-integer index; `DISPOSED` after `dispose()`.
   */
  slice(start: number, end: number = this.shape[0] ?? 0): Tensor<D> {
    const rows = this.#rows('slice');
    if (!Number.isInteger(start) || !Number.isInteger(end)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `slice ${this.describe()}: start and end must be integers, got ${quoteValue(start)} and ${quoteValue(end)}`, {
        details: { start, end },
      });
    }
    const s = clampRow(start, rows);
    const e = Math.max(s, clampRow(end, rows));
    const stride = rows === 0 ? 0 : this.size / rows;
    return this.#view(this.data, s, e - s, stride);
  }

  /**
   * Splits on dim 0 into parts of the given row counts (views over the same data).
   *
   * @throws InferoxError `INVALID_INPUT` when the counts are not non-negative integers summing to `shape[0]`.
   */
  split(sizes: readonly number[]): Tensor<D>[] {
    const rows = this.#rows('split');
    checkShape(sizes, 'split sizes');
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== rows) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `split ${this.describe()} into ${formatShape(sizes)}: sizes sum to ${total}, dim 0 is ${rows}`);
    }
    const parts: Tensor<D>[] = [];
    if (sizes.length === 0) return parts;
    const data = this.data;
    const stride = rows === 0 ? 0 : this.size / rows;
    // Parts of the same row count share one frozen shape (a batch splits into one-row parts).
    let shape: readonly number[] | undefined;
    let at = 0;
    for (const n of sizes) {
      if (shape?.[0] !== n) shape = this.#shapeWithRows(n);
      parts.push(this.#view(data, at, n, stride, shape));
      at += n;
    }
    return parts;
  }

  /**
   * The elements as plain values: numbers (float16/bfloat16 decoded), bigint for 64-bit integers, booleans for
   * bool, strings for string.
   */
  toArray(): ScalarLike[] {
    const data = this.data;
    switch (this.dtype) {
      case 'bool':
        return Array.from(data as Uint8Array, (v) => v !== 0);
      case 'float16':
        return Array.from(data as Uint16Array, float16BitsToNumber);
      case 'bfloat16':
        return Array.from(data as Uint16Array, bfloat16BitsToNumber);
      case 'string':
        return [...(data as string[])];
      default:
        return Array.from(data as ArrayLike<number | bigint>);
    }
  }

  /**
   * The v2 JSON form. 64-bit integers beyond 2^53 become decimal strings so no digit is lost; non-finite floats
   * become `"NaN"`, `"Infinity"`, `"-Infinity"` (JSON has no literal for them); {@link Tensor.fromJSON} reads both back.
   *
   * @param name - the tensor's name in the v2 form. @defaultValue `''`
   * @throws InferoxError `DISPOSED` after `dispose()`.
   */
  toJSON(name = ''): V2Tensor {
    const data = this.toArray().map((v) => {
      if (typeof v === 'bigint') return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v.toString();
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      return v;
    });
    return { name, datatype: dtypeToV2(this.dtype), shape: [...this.shape], data };
  }

  /** Releases the data array. Idempotent; reading `data` afterwards throws `DISPOSED`. */
  dispose(): void {
    this.#data = undefined;
  }

  /** Same as {@link Tensor.dispose}, for `using` declarations. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** This tensor's shape with dim 0 set to `rows`, frozen. */
  #shapeWithRows(rows: number): readonly number[] {
    const shape = [...this.shape];
    shape[0] = rows;
    return Object.freeze(shape);
  }

  /**
   * Rows `[from, from + count)` of `data` (this tensor's array): a view sharing it (a copy for `string`), of `shape`
   * (frozen, dim 0 = `count`) when given.
   */
  #view(data: DataFor<D>, from: number, count: number, stride: number, shape = this.#shapeWithRows(count)): Tensor<D> {
    const begin = from * stride;
    const end = begin + count * stride;
    const part = (Array.isArray(data) ? data.slice(begin, end) : (data as Uint8Array).subarray(begin, end)) as DataFor<D>;
    return new Tensor(this.dtype, part, shape, VIEW, end - begin);
  }

  #rows(op: string): number {
    const rows = this.shape[0];
    if (rows === undefined) throw new InferoxError(ErrorCode.INVALID_INPUT, `${op} works on dim 0; ${this.describe()} is a scalar`);
    return rows;
  }
}

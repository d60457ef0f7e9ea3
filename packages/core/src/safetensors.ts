import { type DType, byteSizeOf } from './dtype';
import { ErrorCode } from './error-codes';
import { InferoxError } from './inferox-error';
import { checkShape } from './internal/shape';

/** safetensors dtype names and the Inferox dtype each maps to. */
export const SAFETENSORS_DTYPES: Readonly<Record<string, DType>> = {
  BOOL: 'bool',
  U8: 'uint8',
  I8: 'int8',
  U16: 'uint16',
  I16: 'int16',
  U32: 'uint32',
  I32: 'int32',
  U64: 'uint64',
  I64: 'int64',
  F16: 'float16',
  BF16: 'bfloat16',
  F32: 'float32',
  F64: 'float64',
};

/** The largest header the parser accepts (the format's own limit). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** One tensor of a safetensors file: a view of its bytes, never a copy. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: DType;
  /** The dtype as written in the file (`F32`, `BF16`, ...). */
  readonly fileDtype: string;
  readonly shape: readonly number[];
  /** Little-endian element bytes; a subarray of the input, possibly unaligned. */
  readonly bytes: Uint8Array;
}

/** A parsed safetensors file. */
export interface SafetensorsFile {
  /** The `__metadata__` string map (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Tensors by name, in header order. */
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>;
  /** Bytes of header length prefix + header. */
  readonly headerBytes: number;
}

function invalid(message: string, source: string | undefined, details: Record<string, unknown> = {}, cause?: unknown): InferoxError {
  return new InferoxError(ErrorCode.PACKAGE_INVALID, `${source ? `${source}: ` : ''}invalid safetensors: ${message}`, {
    details: { ...details, ...(source ? { file: source } : {}) },
    cause,
  });
}

/** One tensor as a safetensors header describes it (offsets into the data section, checked against the file size). */
export interface SafetensorsTensorInfo {
  readonly name: string;
  readonly dtype: DType;
  /** The dtype as written in the file (`F32`, `BF16`, ...). */
  readonly fileDtype: string;
  readonly shape: readonly number[];
  /** `[begin, end)` byte offsets into the data section (which starts at `headerBytes`). */
  readonly dataOffsets: readonly [number, number];
}

/** A safetensors header, read without the tensor data. */
export interface SafetensorsHeader {
  /** The `__metadata__` string map (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Tensors by name, in header order. */
  readonly tensors: ReadonlyMap<string, SafetensorsTensorInfo>;
  /** Bytes of header length prefix + header: where the data section starts. */
  readonly headerBytes: number;
}

/**
 * The size of a safetensors file's 8-byte length prefix plus its JSON header, read from the prefix: what a reader
 * that does not hold the whole file must read before {@link parseSafetensorsHeader}.
 *
 * @param prefix - at least the file's first 8 bytes.
 * @param fileSize - the whole file's size in bytes.
 * @param source - a file name for messages.
 * @throws InferoxError `PACKAGE_INVALID` when the file is shorter than 8 bytes, or the header length exceeds
 * {@link SAFETENSORS_MAX_HEADER_BYTES} or runs past the end of the file.
 */
export function safetensorsHeaderSize(prefix: Uint8Array, fileSize: number, source?: string): number {
  if (!(prefix instanceof Uint8Array)) throw invalid('input is not a Uint8Array', source);
  if (fileSize < 8 || prefix.length < 8) throw invalid(`file is ${Math.min(fileSize, prefix.length)} bytes, shorter than the 8-byte header length`, source);
  const headerLength = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw invalid(`header length ${headerLength} exceeds the ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit`, source);
  }
  const n = Number(headerLength);
  if (8 + n > fileSize) throw invalid(`header length ${n} runs past the end of the ${fileSize}-byte file`, source);
  return 8 + n;
}

/**
 * Parses a safetensors header without its tensor data, with every check {@link parseSafetensors} makes: header
 * length, UTF-8 JSON object, dtype in {@link SAFETENSORS_DTYPES}, shape, offsets inside the file's data section and
 * matching dtype × shape, no overlap.
 *
 * @param bytes - the file's first bytes: at least {@link safetensorsHeaderSize} of them (the whole file will do).
 * @param fileSize - the whole file's size in bytes (offsets are checked against it).
 * @param source - a file name for messages.
 * @throws InferoxError `PACKAGE_INVALID` saying what is wrong.
 */
export function parseSafetensorsHeader(bytes: Uint8Array, fileSize: number, source?: string): SafetensorsHeader {
  const dataStart = safetensorsHeaderSize(bytes, fileSize, source);
  const n = dataStart - 8;
  if (bytes.length < dataStart) throw invalid(`only ${bytes.length} of the ${dataStart} header bytes were given`, source);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (error) {
    throw invalid(`the ${n}-byte header is not valid UTF-8 JSON (${(error as Error).message})`, source, {}, error);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw invalid('header is not a JSON object', source);
  const dataLength = fileSize - dataStart;
  let metadata: Record<string, string> = {};
  const tensors = new Map<string, SafetensorsTensorInfo>();
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string')) {
        throw invalid('__metadata__ must be an object of strings', source);
      }
      metadata = { ...(raw as Record<string, string>) };
      continue;
    }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof info !== 'object' || info === null) throw invalid(`tensor ${JSON.stringify(name)} has no dtype/shape/data_offsets`, source, { tensor: name });
    const dtype = typeof info.dtype === 'string' && Object.hasOwn(SAFETENSORS_DTYPES, info.dtype) ? SAFETENSORS_DTYPES[info.dtype] : undefined;
    if (!dtype) throw invalid(`tensor ${JSON.stringify(name)} has unsupported dtype ${JSON.stringify(info.dtype)}`, source, { tensor: name });
    if (!Array.isArray(info.shape)) throw invalid(`tensor ${JSON.stringify(name)} has no shape array`, source, { tensor: name });
    let count: number;
    try {
      count = checkShape(info.shape as number[], `tensor ${JSON.stringify(name)} shape`);
    } catch (error) {
      throw invalid((error as Error).message, source, { tensor: name }, error);
    }
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw invalid(`tensor ${JSON.stringify(name)} has bad data_offsets ${JSON.stringify(offsets)}`, source, { tensor: name });
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLength) {
      throw invalid(`tensor ${JSON.stringify(name)} data_offsets [${begin}, ${end}] lie outside the ${dataLength}-byte data section`, source, { tensor: name });
    }
    const expected = count * byteSizeOf(dtype);
    if (end - begin !== expected) {
      throw invalid(`tensor ${JSON.stringify(name)} is ${info.dtype}[${(info.shape as number[]).join(', ')}] = ${expected} bytes, but its offsets span ${end - begin}`, source, {
        tensor: name,
      });
    }
    tensors.set(name, { name, dtype, fileDtype: info.dtype as string, shape: Object.freeze([...(info.shape as number[])]), dataOffsets: Object.freeze([begin, end]) as readonly [number, number] });
  }
  // Empty tensors occupy no bytes, so they cannot overlap anything.
  const sorted = [...tensors.values()].filter((t) => t.dataOffsets[1] > t.dataOffsets[0]).sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0]);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.dataOffsets[0] < prev.dataOffsets[1]) {
      throw invalid(
        `tensors ${JSON.stringify(prev.name)} [${prev.dataOffsets.join(', ')}] and ${JSON.stringify(cur.name)} [${cur.dataOffsets.join(', ')}] overlap`,
        source,
        { tensor: cur.name },
      );
    }
  }
  return { metadata, tensors, headerBytes: dataStart };
}

/**
 * Parses a safetensors file held in memory. Every offset, size and dtype is checked before a view is made, so
 * malformed bytes never read out of bounds.
 *
 * @param bytes - the whole file.
 * @param source - a file name for messages.
 * @throws InferoxError `PACKAGE_INVALID` saying what is wrong (header length, JSON, dtype, shape vs bytes,
 * overlapping or out-of-range offsets).
 */
export function parseSafetensors(bytes: Uint8Array, source?: string): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) throw invalid('input is not a Uint8Array', source);
  const { metadata, tensors: infos, headerBytes } = parseSafetensorsHeader(bytes, bytes.length, source);
  const tensors = new Map<string, SafetensorsEntry>();
  for (const { name, dtype, fileDtype, shape, dataOffsets } of infos.values()) {
    tensors.set(name, { name, dtype, fileDtype, shape, bytes: bytes.subarray(headerBytes + dataOffsets[0], headerBytes + dataOffsets[1]) });
  }
  return { metadata, tensors, headerBytes };
}

/** A tensor to write: raw little-endian bytes with dtype and shape. */
export interface SafetensorsInput {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Little-endian element bytes (a typed array's bytes on any little-endian machine). */
  readonly bytes: Uint8Array;
}

const DTYPE_TO_FILE: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(SAFETENSORS_DTYPES).map(([k, v]) => [v, k]));

/**
 * Writes a safetensors file: header padded with spaces to a multiple of 8, tensors in the given order (JavaScript
 * object order: integer-like names first).
 *
 * @param tensors - the tensors by name; their bytes are copied.
 * @param metadata - the `__metadata__` string map (omitted from the file when empty).
 * @returns the whole file, owned by the caller.
 * @throws InferoxError `INVALID_INPUT` for a string dtype, a byte length that does not match dtype × shape, a tensor
 * named `__metadata__` or a metadata value that is not a string.
 */
export function serializeSafetensors(tensors: Readonly<Record<string, SafetensorsInput>>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  // No prototype: a tensor named `__proto__` must become a key of the header, not its prototype (and be lost).
  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `safetensors metadata ${JSON.stringify(key)} must be a string, got ${typeof value}`, { details: { key } });
      }
    }
    header.__metadata__ = { ...metadata };
  }
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new InferoxError(ErrorCode.INVALID_INPUT, 'a safetensors tensor cannot be named "__metadata__"', { details: { tensor: name } });
    const fileDtype = typeof t.dtype === 'string' && Object.hasOwn(DTYPE_TO_FILE, t.dtype) ? DTYPE_TO_FILE[t.dtype] : undefined;
    if (!fileDtype) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `tensor ${JSON.stringify(name)}: safetensors cannot hold dtype ${String(t.dtype)}`, {
        details: { tensor: name, dtype: t.dtype },
      });
    }
    const expected = checkShape(t.shape, `tensor ${JSON.stringify(name)} shape`) * byteSizeOf(t.dtype);
    if (!(t.bytes instanceof Uint8Array) || t.bytes.length !== expected) {
      const given = t.bytes instanceof Uint8Array ? `${t.bytes.length} bytes` : 'no Uint8Array';
      throw new InferoxError(ErrorCode.INVALID_INPUT, `tensor ${JSON.stringify(name)}: ${t.dtype}[${t.shape.join(', ')}] needs ${expected} bytes, got ${given}`, {
        details: { tensor: name, expected },
      });
    }
    header[name] = { dtype: fileDtype, shape: [...t.shape], data_offsets: [offset, offset + expected] };
    parts.push(t.bytes);
    offset += expected;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Tensors on the wire: one binary frame per tensor map, so payloads travel as bytes (base64 inside BullMQ's JSON job
 * data) instead of JSON number arrays. Layout: `u32 LE header length`, a UTF-8 JSON header
 * `[{ name, dtype, shape, bytes }]`, then each tensor's little-endian element bytes in header order (string tensors:
 * the UTF-8 JSON of their string array). Written by hand because safetensors (core) has no string dtype and adding a
 * msgpack dependency would still need base64 inside BullMQ's JSON data.
 */
import { type DType, ErrorCode, InferoxError, Tensor, type TensorMap, allocData, byteSizeOf, isDType } from '@inferox/core';

/** The largest frame header the decoder accepts. */
export const MAX_FRAME_HEADER_BYTES = 1_000_000;
/** The most tensors one frame may hold. */
export const MAX_FRAME_TENSORS = 1024;

interface HeaderEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly bytes: number;
}

function bytesOf(tensor: Tensor): Uint8Array {
  if (tensor.dtype === 'string') return Buffer.from(JSON.stringify(tensor.data), 'utf8');
  const data = tensor.data as ArrayBufferView;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Encodes `tensors` into one frame (their bytes are copied). */
export function encodeTensors(tensors: TensorMap): Buffer {
  const entries: HeaderEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    if (!(tensor instanceof Tensor)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `feed ${JSON.stringify(name.slice(0, 80))} is not a Tensor`, { details: { input: name } });
    }
    const bytes = bytesOf(tensor);
    entries.push({ name, dtype: tensor.dtype, shape: [...tensor.shape], bytes: bytes.byteLength });
    parts.push(bytes);
  }
  const header = Buffer.from(JSON.stringify(entries), 'utf8');
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32LE(header.byteLength, 0);
  return Buffer.concat([prefix, header, ...parts]);
}

function invalid(message: string, source: string): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, `${source}: invalid tensor frame: ${message}`, { details: { source } });
}

function checkEntry(raw: unknown, index: number, source: string): HeaderEntry {
  const entry = raw as Partial<HeaderEntry> | null;
  if (typeof entry !== 'object' || entry === null) throw invalid(`header entry ${index} is not an object`, source);
  if (typeof entry.name !== 'string') throw invalid(`header entry ${index} has no name`, source);
  if (!isDType(entry.dtype)) throw invalid(`tensor ${JSON.stringify(entry.name.slice(0, 80))} has unknown dtype ${JSON.stringify(String(entry.dtype).slice(0, 40))}`, source);
  if (!Array.isArray(entry.shape) || !entry.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw invalid(`tensor ${JSON.stringify(entry.name.slice(0, 80))} has a bad shape`, source);
  }
  if (!Number.isSafeInteger(entry.bytes) || (entry.bytes as number) < 0) throw invalid(`tensor ${JSON.stringify(entry.name.slice(0, 80))} has a bad byte length`, source);
  return entry as HeaderEntry;
}

function tensorFrom(entry: HeaderEntry, bytes: Uint8Array, source: string): Tensor {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  if (entry.dtype === 'string') {
    let strings: unknown;
    try {
      strings = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      throw invalid(`string tensor ${JSON.stringify(entry.name.slice(0, 80))} is not a JSON array`, source);
    }
    if (!Array.isArray(strings) || strings.length !== count || !strings.every((s) => typeof s === 'string')) {
      throw invalid(`string tensor ${JSON.stringify(entry.name.slice(0, 80))} does not hold ${count} strings`, source);
    }
    return Tensor.from('string', strings as string[], entry.shape);
  }
  if (count * byteSizeOf(entry.dtype) !== bytes.byteLength) {
    throw invalid(`tensor ${JSON.stringify(entry.name.slice(0, 80))} has ${bytes.byteLength} bytes for shape [${entry.shape.join(', ')}] of ${entry.dtype}`, source);
  }
  const data = allocData(entry.dtype, count) as unknown as ArrayBufferView;
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(bytes);
  return Tensor.from(entry.dtype, data as never, entry.shape);
}

/**
 * Decodes a frame made by {@link encodeTensors}; the tensors own fresh copies of their bytes.
 *
 * @throws InferoxError `INVALID_INPUT` naming `source` and what is wrong, for any malformed frame.
 */
export function decodeTensors(frame: Uint8Array, source: string): Record<string, Tensor> {
  if (!(frame instanceof Uint8Array) || frame.byteLength < 4) throw invalid(`${frame?.byteLength ?? 0} bytes, shorter than the 4-byte header length`, source);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = view.getUint32(0, true);
  if (headerLength > MAX_FRAME_HEADER_BYTES) throw invalid(`header length ${headerLength} exceeds ${MAX_FRAME_HEADER_BYTES}`, source);
  if (4 + headerLength > frame.byteLength) throw invalid(`header length ${headerLength} runs past the ${frame.byteLength}-byte frame`, source);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(frame.subarray(4, 4 + headerLength)).toString('utf8'));
  } catch {
    throw invalid('header is not JSON', source);
  }
  if (!Array.isArray(header)) throw invalid('header is not an array', source);
  if (header.length > MAX_FRAME_TENSORS) throw invalid(`${header.length} tensors exceed the limit of ${MAX_FRAME_TENSORS}`, source);
  const tensors: Record<string, Tensor> = {};
  let offset = 4 + headerLength;
  header.forEach((raw, index) => {
    const entry = checkEntry(raw, index, source);
    if (Object.hasOwn(tensors, entry.name)) throw invalid(`tensor ${JSON.stringify(entry.name.slice(0, 80))} appears twice`, source);
    if (offset + entry.bytes > frame.byteLength) throw invalid(`tensor ${JSON.stringify(entry.name.slice(0, 80))} runs past the end of the frame`, source);
    tensors[entry.name] = tensorFrom(entry, frame.subarray(offset, offset + entry.bytes), source);
    offset += entry.bytes;
  });
  if (offset !== frame.byteLength) throw invalid(`${frame.byteLength - offset} bytes after the last tensor`, source);
  return tensors;
}
